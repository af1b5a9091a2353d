package io.mainstay.extension;

/** What a main service is told about the executors registered with its main. */
public sealed interface ExecutorChange {

  /** An executor registered with this main (it started, came back, or followed this main after a failover). */
  record Joined(ExecutorSlots executor) implements ExecutorChange {}

  /**
   * An executor left this main's registry (its ZooKeeper record vanished, or its heartbeats stopped): work
   * sent to it will not be answered, and commands for it are dropped until it registers again.
   */
  record Lost(String node, String why) implements ExecutorChange {}
}
