package io.mainstay.sql.jobs;

import io.mainstay.actors.Failures;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/** Tells an asker how a future ended: its value, or {@code unavailable} with the failure's message. */
final class Answers {

  private Answers() {}

  static <R> void tell(ActorRef<R> replyTo, CompletionStage<? extends R> reply, Function<String, R> unavailable) {
    reply.whenComplete((value, failure) -> replyTo.tell(failure == null
        ? value
        : unavailable.apply(String.valueOf(Failures.unwrap(failure).getMessage()))));
  }
}
