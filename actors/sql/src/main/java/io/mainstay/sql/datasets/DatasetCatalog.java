package io.mainstay.sql.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.Failures;
import io.mainstay.extension.ExtensionStore;
import io.mainstay.extension.MainContext;
import io.mainstay.sql.SqlMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datasets, on the main: registers a dataset by scanning its files (off the actor, on the blocking
 * dispatcher) and storing what it found, and answers reads from its store table. Every answer goes from the
 * store's future straight to the caller, as the catalog's do, so a write in flight when a handover ends
 * this service is still answered once the store has committed or refused it.
 */
public final class DatasetCatalog {

  private static final Logger log = LoggerFactory.getLogger(DatasetCatalog.class);

  /** The store table of the datasets, keyed by name. */
  public static final String TABLE = "datasets";

  /** What this service did once per cluster, keyed by what: the sample's registration. */
  static final String ONCE_TABLE = "once";

  /** Registers the sample dataset at the first start of a cluster (true in the single-node default). */
  public static final String SAMPLE_KEY = "sql.sample-dataset";

  static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  public sealed interface Command extends SqlMain.Command {}

  /** Register (or replace) {@code name}: scan {@code location} now. */
  public record Register(String name, Dataset.Format format, String location, Dataset.CsvOptions csv, ActorRef<DatasetReply> replyTo)
      implements Command {}

  /** Scan a registered dataset's location again. */
  public record Refresh(String name, ActorRef<DatasetReply> replyTo) implements Command {}

  public record Get(String name, ActorRef<DatasetReply> replyTo) implements Command {}

  /** Also asked by every coordinator's job manager, over the cluster, to plan a query. */
  public record ListAll(ActorRef<DatasetReply> replyTo) implements Command, CborSerializable {}

  public record Delete(String name, ActorRef<DatasetReply> replyTo) implements Command {}

  /**
   * CREATE TABLE AS, from the query's coordinator: register the Parquet files it wrote under {@code location}
   * as {@code name}, refused when {@code name} exists (or is being created).
   */
  public record Create(String name, String location, List<String> written, ActorRef<DatasetReply> replyTo)
      implements Command, CborSerializable {}

  /** DROP TABLE: unregister {@code name} and delete the files CREATE TABLE AS wrote for it, never others. */
  public record Drop(String name, ActorRef<DatasetReply> replyTo) implements Command, CborSerializable {}

  private record Settled(String name) implements Command {}

  private DatasetCatalog() {}

  public static Behavior<Command> create(MainContext<?> main) {
    return Behaviors.setup(ctx -> {
      DatasetRoots roots = DatasetRoots.from(main.config());
      Path spill = Files.createDirectories(Path.of(main.config().getString("paths.local"), "sql", "spill"));
      DatasetScanner scanner = new DatasetScanner(roots, spill);
      Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
      ExtensionStore store = main.store();
      if (main.config().getBoolean(SAMPLE_KEY)) {
        offerSample(main, store, blocking, roots, spill, scanner);
      }
      Set<String> creating = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Create.class, c -> {
            if (!creating.add(c.name())) {
              c.replyTo().tell(new DatasetReply.Refused("dataset " + c.name() + " is being created by another statement"));
              return Behaviors.same();
            }
            CompletionStage<DatasetReply> created = store.get(TABLE, c.name()).thenCompose(found -> found.isPresent()
                ? CompletableFuture.completedFuture(new DatasetReply.Refused("dataset " + c.name() + " already exists"))
                : register(main, store, blocking,
                    () -> scanner.scan(c.name(), Dataset.Format.parquet, c.location(), null).created(c.written())));
            created.whenComplete((reply, failure) -> ctx.getSelf().tell(new Settled(c.name())));
            return answer(c.replyTo(), created);
          })
          .onMessage(Settled.class, s -> {
            creating.remove(s.name());
            return Behaviors.same();
          })
          .onMessage(Drop.class, d -> answer(d.replyTo(), store.get(TABLE, d.name()).thenCompose(found -> found
              .map(entry -> store.delete(TABLE, d.name()).thenApplyAsync(existed -> {
                Dataset dropped = read(entry.value());
                int deleted = deleteCreated(dropped);
                log.info("node {} epoch {}: dataset {} dropped, {} files it was created with deleted", main.node(),
                    main.epoch(), d.name(), deleted);
                return (DatasetReply) new DatasetReply.Dropped(d.name(), deleted);
              }, blocking))
              .orElseGet(() -> CompletableFuture.completedFuture(new DatasetReply.NotFound(d.name()))))))
          .onMessage(Register.class, r -> answer(r.replyTo(),
              register(main, store, blocking, () -> scanner.scan(r.name(), r.format(), r.location(), r.csv()))))
          .onMessage(Refresh.class, r -> answer(r.replyTo(), store.get(TABLE, r.name()).thenCompose(found -> found
              .map(entry -> {
                Dataset old = read(entry.value());
                return register(main, store, blocking, () -> scanner.scan(old.name(), old.format(), old.location(), old.csv()));
              })
              .orElseGet(() -> CompletableFuture.completedFuture(new DatasetReply.NotFound(r.name()))))))
          .onMessage(Get.class, g -> answer(g.replyTo(), store.get(TABLE, g.name()).thenApply(found -> found
              .<DatasetReply>map(DatasetCatalog::found)
              .orElse(new DatasetReply.NotFound(g.name())))))
          .onMessage(ListAll.class, l -> answer(l.replyTo(), store.list(TABLE).thenApply(entries ->
              new DatasetReply.Listing(entries.stream().map(DatasetCatalog::found).toList()))))
          .onMessage(Delete.class, d -> answer(d.replyTo(), store.delete(TABLE, d.name()).thenApply(existed -> {
            if (existed) {
              log.info("node {} epoch {}: dataset {} removed", main.node(), main.epoch(), d.name());
            }
            return existed ? new DatasetReply.Deleted(d.name()) : new DatasetReply.NotFound(d.name());
          })))
          .build();
    });
  }

  /**
   * Once per cluster (a removed sample stays removed): write the sample's files and register them. A failure
   * is logged and tried again at the next main's start.
   */
  private static void offerSample(
      MainContext<?> main, ExtensionStore store, Executor blocking, DatasetRoots roots, Path spill, DatasetScanner scanner) {
    store.get(ONCE_TABLE, SampleDataset.NAME)
        .thenCompose(done -> done.isPresent()
            ? CompletableFuture.completedFuture(null)
            : register(main, store, blocking, () -> {
                  Path dir = SampleDataset.write(roots, spill);
                  return scanner.scan(SampleDataset.NAME, Dataset.Format.parquet, dir.toString(), null);
                })
                .thenCompose(found -> store.put(ONCE_TABLE, SampleDataset.NAME, new byte[0])))
        .whenComplete((ok, failure) -> {
          if (failure != null) {
            log.warn("node {} epoch {}: the sample dataset {} was not registered: {}", main.node(), main.epoch(),
                SampleDataset.NAME, Failures.unwrap(failure).toString());
          }
        });
  }

  /** The files CREATE TABLE AS wrote, and their directory once empty; what else is there stays. */
  private static int deleteCreated(Dataset dataset) {
    int deleted = 0;
    for (String file : dataset.created()) {
      try {
        deleted += Files.deleteIfExists(Path.of(file)) ? 1 : 0;
      } catch (IOException e) {
        throw new UncheckedIOException("dataset " + dataset.name() + " is dropped but " + file + " was not deleted: "
            + e.getMessage(), e);
      }
    }
    try {
      if (!dataset.created().isEmpty()) {
        Files.deleteIfExists(Path.of(dataset.location()));
      }
    } catch (IOException e) {
      // not empty (someone put files there): they stay, and so does the directory
    }
    return deleted;
  }

  private interface Scan {
    Dataset run();
  }

  private static CompletionStage<DatasetReply> register(MainContext<?> main, ExtensionStore store, Executor blocking, Scan scan) {
    return CompletableFuture.supplyAsync(scan::run, blocking).thenCompose(dataset -> store
        .put(TABLE, dataset.name(), write(dataset))
        .thenApply(version -> {
          log.info("node {} epoch {}: dataset {} registered at version {}: {} files, {} columns, {} rows, from {}",
              main.node(), main.epoch(), dataset.name(), version, dataset.files().size(), dataset.columns().size(),
              dataset.rows() == null ? "unknown" : dataset.rows(), dataset.location());
          return new DatasetReply.Found(dataset, version, main.epoch(), Instant.now());
        }));
  }

  private static Behavior<Command> answer(ActorRef<DatasetReply> replyTo, CompletionStage<? extends DatasetReply> reply) {
    reply.whenComplete((value, failure) -> {
      if (failure == null) {
        replyTo.tell(value);
        return;
      }
      Throwable cause = Failures.unwrap(failure);
      replyTo.tell(cause instanceof DatasetProblem problem
          ? new DatasetReply.Refused(problem.getMessage())
          : new DatasetReply.Unavailable(String.valueOf(cause.getMessage())));
    });
    return Behaviors.same();
  }

  private static DatasetReply.Found found(ExtensionStore.Entry entry) {
    return new DatasetReply.Found(read(entry.value()), entry.version(), entry.epoch(), entry.updated());
  }

  static byte[] write(Dataset dataset) {
    try {
      return JSON.writeValueAsBytes(dataset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Dataset read(byte[] stored) {
    try {
      return JSON.readValue(stored, Dataset.class);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored dataset is not readable: " + e.getMessage(), e);
    }
  }
}
