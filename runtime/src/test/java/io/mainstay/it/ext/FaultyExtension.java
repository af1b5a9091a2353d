package io.mainstay.it.ext;

import io.mainstay.extension.CoordinatorService;
import io.mainstay.extension.Extension;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.MainContext;
import io.mainstay.extension.MainService;
import io.mainstay.extension.RouteContext;
import io.mainstay.extension.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A test extension that misbehaves on request, loaded by the nodes of {@code ExtensionSupervisionIT} from a
 * jar in {@code extensions.dir}: its main service throws ({@code POST fail}), or blocks its thread writing
 * to the store without end ({@code POST busy}); a route throws ({@code GET boom}); {@code GET hello} says
 * which start of the service answers, at which epoch; {@code GET coordinator} asks the coordinator service
 * of the node it reaches.
 */
public final class FaultyExtension implements Extension {

  public static final String NAME = "faulty";

  /** Starts of the main service in this JVM: a restart is a new start. */
  private static final AtomicInteger STARTS = new AtomicInteger();

  private static final Duration ASK = Duration.ofSeconds(5);

  public sealed interface Command {}

  public record Hello(ActorRef<Greeting> replyTo) implements Command {}

  public record Fail(ActorRef<Greeting> replyTo) implements Command {}

  public record Busy(ActorRef<Greeting> replyTo) implements Command {}

  public record Greeting(String node, long epoch, int start) {}

  /** For the coordinator service, which runs on every coordinator whatever its role. */
  public record WhereAmI(ActorRef<Here> replyTo) {}

  public record Here(String node) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<MainService<?>> mainService() {
    return Optional.of((MainService<Command>) FaultyExtension::mainBehavior);
  }

  @Override
  public Optional<CoordinatorService<?>> coordinatorService() {
    return Optional.of((CoordinatorService<WhereAmI>) context -> Behaviors.receiveMessage(where -> {
      where.replyTo().tell(new Here(context.node()));
      return Behaviors.same();
    }));
  }

  @Override
  public Optional<ExtensionRoutes> routes() {
    return Optional.of(new Routes());
  }

  private static Behavior<Command> mainBehavior(MainContext<Command> context) {
    return Behaviors.setup(ctx -> {
      Greeting greeting = new Greeting(context.node(), context.epoch(), STARTS.incrementAndGet());
      return Behaviors.receive(Command.class)
          .onMessage(Hello.class, hello -> {
            hello.replyTo().tell(greeting);
            return Behaviors.same();
          })
          .onMessage(Fail.class, fail -> {
            throw new IllegalStateException("asked to fail (start " + greeting.start() + ")");
          })
          .onMessage(Busy.class, busy -> {
            busy.replyTo().tell(greeting);
            writeWithoutEnd(context);
            return Behaviors.same();
          })
          .build();
    });
  }

  /** Holds its thread for ten minutes, writing whenever the store takes a write: a badly written extension. */
  private static void writeWithoutEnd(MainContext<Command> context) throws InterruptedException {
    Instant end = Instant.now().plus(Duration.ofMinutes(10));
    for (long i = 0; Instant.now().isBefore(end); i++) {
      try {
        context.store().put("busy", Long.toString(i), ("write " + i).getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof StoreUnavailableException)) {
          throw e;
        }
      }
      Thread.sleep(20);
    }
  }

  /** Another extension of the same name: a node given both refuses to start. */
  public static final class Twin implements Extension {
    @Override
    public String name() {
      return NAME;
    }
  }

  private static final class Routes extends AllDirectives implements ExtensionRoutes {
    @Override
    public Route create(RouteContext context) {
      return concat(
          path("hello", () -> get(() -> completeWithFuture(
              context.<Hello, Greeting>askMain(Hello::new, ASK).thenApply(g -> context.json(StatusCodes.OK, g))))),
          path("fail", () -> post(() -> completeWithFuture(
              context.<Fail, Greeting>askMain(Fail::new, Duration.ofSeconds(1)).thenApply(g -> context.json(StatusCodes.OK, g))))),
          path("busy", () -> post(() -> completeWithFuture(
              context.<Busy, Greeting>askMain(Busy::new, ASK).thenApply(g -> context.json(StatusCodes.OK, g))))),
          path("coordinator", () -> get(() -> completeWithFuture(
              context.<WhereAmI, Here>askCoordinator(WhereAmI::new, ASK).thenApply(h -> context.json(StatusCodes.OK, h))))),
          path("boom", () -> get(() -> {
            throw new IllegalStateException("the route failed on purpose");
          })));
    }
  }
}
