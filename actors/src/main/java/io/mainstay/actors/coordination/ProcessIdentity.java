package io.mainstay.actors.coordination;

/**
 * The process that holds a node's ZooKeeper record. A node restarted on the same machine checks it: when
 * that process has ended, the record is a leftover of its previous life and is replaced at once, instead
 * of after the old session's timeout (30 to 90 s in production).
 *
 * @param machine what makes pids comparable: the kernel's boot id and pid namespace, or null where
 *     unknown (no shortcut is taken then)
 * @param pid the process id within that namespace
 * @param startedMillis when the process started (epoch ms), so a later process given the same pid is not
 *     taken for it; 0 where unknown
 */
public record ProcessIdentity(String machine, long pid, long startedMillis) {}
