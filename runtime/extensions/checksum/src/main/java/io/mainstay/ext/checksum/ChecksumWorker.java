package io.mainstay.ext.checksum;

import io.mainstay.actors.CborSerializable;
import io.mainstay.extension.ExecutorContext;
import io.mainstay.extension.ExecutorService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The executor's half: hashes the files of one part, off the actor's thread, and answers the main. */
public final class ChecksumWorker {

  /** One part of a job, from the main service; crosses nodes. */
  public record Part(
      String jobId, int part, long epoch, String directory, List<String> files, ActorRef<ChecksumJobs.Command> replyTo)
      implements CborSerializable {}

  private record Hashed(Part part, List<FileSum> sums, String error, long millis) {}

  private ChecksumWorker() {}

  static final class Service implements ExecutorService<Part> {
    @Override
    public Class<Part> commandType() {
      return Part.class;
    }

    @Override
    public Behavior<Part> create(ExecutorContext context) {
      return Behaviors.<Object>setup(ctx -> {
            ctx.setLoggerName(ChecksumWorker.class);
            var blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
            return Behaviors.receive(Object.class)
                .onMessage(Part.class, part -> {
                  long start = System.nanoTime();
                  ctx.pipeToSelf(
                      CompletableFuture.supplyAsync(() -> hash(part), blocking),
                      (sums, failure) -> new Hashed(part, sums, failure == null ? null : failure.getCause() == null
                          ? failure.toString() : failure.getCause().toString(), (System.nanoTime() - start) / 1_000_000));
                  return Behaviors.same();
                })
                .onMessage(Hashed.class, hashed -> {
                  Part part = hashed.part();
                  ctx.getLog().info("node {} epoch {}: checksum job {} part {}: {} files in {} ms{}",
                      context.node(), part.epoch(), part.jobId(), part.part(), part.files().size(), hashed.millis(),
                      hashed.error() == null ? "" : ", failed: " + hashed.error());
                  part.replyTo().tell(new ChecksumJobs.PartDone(
                      part.jobId(), part.part(), part.epoch(), context.node(),
                      hashed.error() == null ? hashed.sums() : List.of(), hashed.error()));
                  return Behaviors.same();
                })
                .build();
          })
          .narrow();
    }
  }

  static List<FileSum> hash(Part part) {
    Path root = Path.of(part.directory());
    List<FileSum> sums = new ArrayList<>();
    byte[] buffer = new byte[1 << 16];
    for (String relative : part.files()) {
      Path file = root.resolve(relative);
      try (InputStream in = Files.newInputStream(file)) {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long size = 0;
        for (int n; (n = in.read(buffer)) > 0; size += n) {
          digest.update(buffer, 0, n);
        }
        sums.add(new FileSum(relative, size, HexFormat.of().formatHex(digest.digest())));
      } catch (IOException e) {
        throw new CompletionException(new IOException("cannot read " + file + ": " + e.getMessage(), e));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return sums;
  }
}
