package io.mainstay.actors.supervision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs one service (built in or an extension's) and restarts it when it throws: after an exponential
 * backoff from {@code minBackoff} to {@code maxBackoff}, as long as it has failed at most {@code
 * maxRestarts} times within {@code restartWindow}; past that budget it stays stopped and is reported
 * {@link State#FAILED}. Its parent keeps running either way: a failing service never takes its node's role
 * with it. Messages for the service are sent to this supervisor, which forwards them; while the service
 * waits for its restart they are stashed (up to {@link #STASH}), once it has failed they are dropped.
 *
 * <p>Its own protocol is {@link Control}; everything else is the service's. The service's state does not
 * survive a restart, nor do the messages already in its mailbox when it failed (callers ask with a
 * timeout): what must survive, a service keeps in the store.
 */
public final class ServiceSupervisor {

  static final int STASH = 1_000;

  public sealed interface Control {}

  public record GetHealth(ActorRef<Health> replyTo) implements Control {}

  private record Restart() implements Control {}

  public enum State {
    RUNNING,
    RESTARTING,
    FAILED,
    /** The service ended on its own. */
    STOPPED
  }

  public record Health(String service, State state, int restarts, Optional<String> lastFailure) {}

  public record Settings(Duration minBackoff, Duration maxBackoff, int maxRestarts, Duration restartWindow) {
    public static Settings defaults() {
      return new Settings(Duration.ofMillis(200), Duration.ofSeconds(10), 5, Duration.ofSeconds(60));
    }

    /** The wait before restart number {@code failures} of the window (1 for the first). */
    Duration backoff(int failures) {
      Duration delay = minBackoff;
      for (int i = 1; i < failures && delay.compareTo(maxBackoff) < 0; i++) {
        delay = delay.multipliedBy(2);
      }
      return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }
  }

  private final ActorContext<Object> context;
  private final TimerScheduler<Object> timers;
  private final StashBuffer<Object> stash;
  private final String where;
  private final String service;
  private final Function<ActorRef<Object>, Behavior<?>> factory;
  private final Settings settings;
  private final Clock clock;
  private final Consumer<Health> listener;
  private final Deque<Instant> failures = new ArrayDeque<>();
  private int restarts;
  private Optional<String> lastFailure = Optional.empty();
  private ActorRef<Object> child;

  /**
   * @param where the node and epoch the log lines name, e.g. {@code "node coord-1 epoch 4"}
   * @param service the name the log, {@code /api/v1/cluster} and the child actor carry
   * @param factory a new behaviour of the service at each (re)start, given the supervisor's address: the
   *     service's own, valid across restarts
   * @param listener told the service's health at each change, on this actor's thread; STOPPED when the
   *     supervisor itself stops
   */
  public static Behavior<Object> create(
      String where, String service, Function<ActorRef<Object>, Behavior<?>> factory, Settings settings, Consumer<Health> listener) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        STASH,
                        stash ->
                            new ServiceSupervisor(ctx, timers, stash, where, service, factory, settings, Clock.systemUTC(), listener)
                                .start())));
  }

  public static Behavior<Object> create(String where, String service, Function<ActorRef<Object>, Behavior<?>> factory, Settings settings) {
    return create(where, service, factory, settings, health -> {});
  }

  private ServiceSupervisor(
      ActorContext<Object> context,
      TimerScheduler<Object> timers,
      StashBuffer<Object> stash,
      String where,
      String service,
      Function<ActorRef<Object>, Behavior<?>> factory,
      Settings settings,
      Clock clock,
      Consumer<Health> listener) {
    context.setLoggerName(ServiceSupervisor.class);
    this.context = context;
    this.timers = timers;
    this.stash = stash;
    this.where = where;
    this.service = service;
    this.factory = factory;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
  }

  @SuppressWarnings("unchecked")
  private Behavior<Object> start() {
    // a failure of the child's own setup is a failure like any other: it arrives as ChildFailed
    child = context.spawn(
        (Behavior<Object>) factory.apply(context.getSelf()), service + "-" + (restarts + 1), DispatcherSelector.sameAsParent());
    context.watch(child);
    publish(State.RUNNING);
    return stash.unstashAll(running());
  }

  private Behavior<Object> running() {
    return Behaviors.receive(Object.class)
        .onMessage(GetHealth.class, get -> health(get, State.RUNNING))
        .onMessage(Control.class, ignored -> Behaviors.same())
        .onSignal(ChildFailed.class, this::onFailed)
        .onSignal(Terminated.class, ended -> onStopped())
        .onSignal(PostStop.class, stop -> onPostStop())
        .onAnyMessage(message -> {
          child.tell(message);
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Object> onFailed(ChildFailed failed) {
    Instant now = clock.instant();
    failures.addLast(now);
    while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(settings.restartWindow()))) {
      failures.removeFirst();
    }
    Throwable cause = failed.getCause();
    lastFailure = Optional.of(cause.toString());
    if (failures.size() > settings.maxRestarts()) {
      context.getLog().error(
          "{}: service {} failed {} times within {}; restart budget spent, it stays stopped (last cause: {})",
          where, service, failures.size(), settings.restartWindow(), cause.toString());
      return ended(State.FAILED);
    }
    Duration backoff = settings.backoff(failures.size());
    restarts++;
    context.getLog().warn(
        "{}: service {} failed, restart {} in {} ms: {}", where, service, restarts, backoff.toMillis(), cause.toString(), cause);
    timers.startSingleTimer(new Restart(), backoff);
    publish(State.RESTARTING);
    return restarting();
  }

  private Behavior<Object> restarting() {
    return Behaviors.receive(Object.class)
        .onMessage(Restart.class, restart -> start())
        .onMessage(GetHealth.class, get -> health(get, State.RESTARTING))
        .onMessage(Control.class, ignored -> Behaviors.same())
        .onSignal(PostStop.class, stop -> onPostStop())
        .onAnyMessage(message -> {
          if (stash.isFull()) {
            context.getLog().warn("{}: service {} is restarting and {} messages wait; dropping {}", where, service, STASH,
                message.getClass().getSimpleName());
          } else {
            stash.stash(message);
          }
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Object> onStopped() {
    context.getLog().info("{}: service {} stopped on its own", where, service);
    return ended(State.STOPPED);
  }

  private Behavior<Object> ended(State state) {
    publish(state);
    return Behaviors.receive(Object.class)
        .onMessage(GetHealth.class, get -> health(get, state))
        .onAnyMessage(message -> {
          context.getLog().debug("{}: service {} is {}; dropping {}", where, service, state, message.getClass().getSimpleName());
          return Behaviors.same();
        })
        .build();
  }

  /** Stopped by its parent (the main's term ended, the node stops): the service stops with it. */
  private Behavior<Object> onPostStop() {
    publish(State.STOPPED);
    return Behaviors.same();
  }

  private void publish(State state) {
    listener.accept(new Health(service, state, restarts, lastFailure));
  }

  private Behavior<Object> health(GetHealth get, State state) {
    get.replyTo().tell(new Health(service, state, restarts, lastFailure));
    return Behaviors.same();
  }
}
