package io.mainstay.testkit.zookeeper;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A ZooKeeper ensemble of real server processes on loopback; member ids are 1-based, like {@code myid}. */
public final class ZooKeeperEnsemble {

  private final List<ZooKeeperProcess> members;

  private ZooKeeperEnsemble(List<ZooKeeperProcess> members) {
    this.members = List.copyOf(members);
  }

  /** Starts {@code size} servers under {@code dir}/zk-N and waits until every one serves. */
  public static ZooKeeperEnsemble start(Path dir, int size) {
    List<Integer> clientPorts = new ArrayList<>();
    List<String> serverLines = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      clientPorts.add(Loopback.freePort());
      serverLines.add("server." + id + "=" + Loopback.HOST + ":" + Loopback.freePort() + ":" + Loopback.freePort());
    }
    List<ZooKeeperProcess> members = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      members.add(ZooKeeperProcess.ensembleMember(dir.resolve("zk-" + id), id, clientPorts.get(id - 1), serverLines));
    }
    // Launch all before waiting on any: no member serves until a quorum of them runs.
    members.forEach(ZooKeeperProcess::launch);
    members.forEach(member -> member.awaitServing(Await.GENEROUS));
    return new ZooKeeperEnsemble(members);
  }

  /** Every member, whether it runs or not: a client fails over between them. */
  public String connectString() {
    return members.stream().map(ZooKeeperProcess::connectString).collect(Collectors.joining(","));
  }

  /** The member with {@code myid} = {@code serverId}, 1-based. */
  public ZooKeeperProcess member(int serverId) {
    return members.get(serverId - 1);
  }

  public List<ZooKeeperProcess> members() {
    return members;
  }

  /** Waits until a running member reports itself leader and returns it. */
  public ZooKeeperProcess leader(Duration deadline) {
    return Await.value("a leader among " + members, deadline, () -> {
      for (ZooKeeperProcess member : members) {
        if (member.isRunning() && "leader".equals(member.mode())) {
          return member;
        }
      }
      return null;
    });
  }
}
