package io.mainstay.actors.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.executor.Executor;
import io.mainstay.actors.supervision.ServiceSupervisor;
import io.mainstay.extension.ExecutorContext;
import io.mainstay.extension.ExecutorService;
import io.mainstay.extension.Extension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The executor's half of the fence: what an extension's executor service receives, and what it never does. */
class ExecutorExtensionCommandTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  /** The test extension's command: crosses nodes, so it goes through CBOR here too. */
  public record Work(String what, ActorRef<String> replyTo) implements CborSerializable {}

  /** Not the executor service's command type. */
  public record Other(String what) implements CborSerializable {}

  private static final class Echo implements Extension {
    @Override
    public String name() {
      return "echo";
    }

    @Override
    public Optional<ExecutorService<?>> executorService() {
      return Optional.of(new ExecutorService<Work>() {
        @Override
        public Class<Work> commandType() {
          return Work.class;
        }

        @Override
        public Behavior<Work> create(ExecutorContext context) {
          return Behaviors.receiveMessage(work -> {
            if (work.what().equals("boom")) {
              throw new IllegalStateException("boom");
            }
            work.replyTo().tell(work.what() + " on " + context.node());
            return Behaviors.same();
          });
        }
      });
    }
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ActorRef<Executor.Command> executor(ServiceBoard board) {
    Extensions extensions =
        new Extensions(List.of(new Echo()), new ServiceSupervisor.Settings(Duration.ofMillis(20), Duration.ofMillis(50), 3, Duration.ofSeconds(30)), ConfigFactory.empty());
    return testKit.spawn(
        Executor.create("exec-1", "pekko://test@h:1", 2, Path.of("/tmp"), Executor.Settings.defaults(), extensions, board));
  }

  private static Executor.ExtensionCommand stamped(long epoch, Object command) {
    return ExtensionCommands.wrap(testKit.system(), epoch, "coord-1", "echo", command);
  }

  @Test
  void commandsOfTheNewestMainArriveAndThoseOfAnOlderOneNever() {
    ActorRef<Executor.Command> executor = executor(new ServiceBoard(List.of(new Echo())));
    TestProbe<String> replies = testKit.createTestProbe();
    executor.tell(stamped(6, new Work("first", replies.getRef())));
    assertEquals("first on exec-1", replies.receiveMessage(Duration.ofSeconds(5)));
    executor.tell(stamped(5, new Work("from a deposed main", replies.getRef())));
    executor.tell(stamped(6, new Other("wrong type")));
    executor.tell(stamped(7, new Work("newer", replies.getRef())));
    assertEquals("newer on exec-1", replies.receiveMessage(Duration.ofSeconds(5)));
    executor.tell(stamped(6, new Work("from the main of 6, now older", replies.getRef())));
    replies.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aFailingExecutorServiceIsRestartedAndReportedOnTheBoard() {
    ServiceBoard board = new ServiceBoard(List.of(new Echo()));
    ActorRef<Executor.Command> executor = executor(board);
    TestProbe<String> replies = testKit.createTestProbe();
    executor.tell(stamped(1, new Work("boom", replies.getRef())));
    replies.awaitAssert(Duration.ofSeconds(5), () -> {
      ServiceBoard.ServiceState state = board.snapshot().get(0).services().get(0);
      assertEquals("executor", state.kind());
      assertEquals(1, state.restarts());
      assertEquals(ServiceSupervisor.State.RUNNING, state.state());
      return null;
    });
    executor.tell(stamped(1, new Work("after", replies.getRef())));
    assertEquals("after on exec-1", replies.receiveMessage(Duration.ofSeconds(5)));
  }
}
