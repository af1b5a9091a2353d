/**
 * Mainstay's actors. Every actor names its logger after its own class ({@code
 * context.setLoggerName(X.class)}) as it starts: Pekko's detection from the stack can yield {@code
 * org.apache.pekko.actor.ActorCell}, which logback.xml silences with the rest of Pekko.
 */
package io.mainstay.actors;
