package io.mainstay.actors.fragment;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A request to probe every registered executor.
 *
 * @param deadline by when every executor has an answer line, result or not
 * @param hold how long each executor keeps the fragment running before it answers: zero for a health
 *     reading, longer for a drill that needs fragments in flight (e.g. killing an executor mid-fragment)
 */
public record ProbeRequest(Duration deadline, Duration hold, ActorRef<ProbeReply> replyTo) {}
