package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 5: two main-eligible coordinators and two executors launched at the same instant on an empty
 * store and an empty ZooKeeper, and let into ZooKeeper together. One main at epoch 1, one standby, and one Pekko Cluster: exactly one
 * node formed it, every other node joined it, and both coordinators name the same main.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault5SimultaneousStartIT {

  private static final String FORMED = "no other node registered; forming the cluster";
  private static final String JOINING = "joining the cluster through";
  private static final String UP = "is Up";
  /** The ZooKeeper client's line when a connection attempt fails (logged at WARN). */
  private static final String WAITING_FOR_ZOOKEEPER = "Closing socket connection";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void twoCandidatesStartedTogetherMakeOneMainOneStandbyAndOneCluster() {
    long started = System.nanoTime();
    LocalCluster cluster = LocalCluster.builder(dir).coordinators(2).executors(2).build();
    // JVMs take seconds to start, each at its own pace: launched together, they would still reach
    // ZooKeeper seconds apart and never race. So ZooKeeper is frozen until every node is retrying its
    // connection; thawed, it lets them all in within a second, and they register and join together.
    JavaProcess zk = cluster.zookeeper().process();
    zk.sigstop();
    cluster.launchAll();
    for (MainstayNodeProcess node : cluster.allNodes()) {
      node.process().awaitWhileRunning(node.name() + " to be waiting for ZooKeeper", LocalCluster.STARTUP,
          () -> node.log().contains(WAITING_FOR_ZOOKEEPER));
    }
    Timing.log("fault 5: all 4 nodes waiting for the frozen ZooKeeper", started);
    zk.sigcont();
    cluster.awaitSettled();
    Timing.log("fault 5: 2 coordinators + 2 executors let in together, settled", started);

    MainstayNodeProcess main = cluster.main();
    assertEquals(1, main.ping().epoch(), "the first main of an empty store and ZooKeeper");
    for (MainstayNodeProcess coordinator : cluster.coordinators()) {
      HttpResult view = Await.value(coordinator.name() + "'s cluster view", Await.GENEROUS, () -> {
        HttpResult r = coordinator.http().cluster();
        return r.status() == 200 ? r : null;
      });
      JsonNode json = view.json();
      assertEquals(main.name(), json.path("main").path("node").asText(), coordinator.name() + " names the main: " + json);
      assertEquals(1, json.path("main").path("epoch").asLong(), coordinator.name() + " names epoch 1: " + json);
      assertEquals(2, json.path("executors").size(), coordinator.name() + " sees both executors: " + json);
    }

    List<String> formers = new ArrayList<>();
    for (MainstayNodeProcess node : cluster.allNodes()) {
      // an executor may be registered with the main (over remoting) a moment before it is an Up member
      node.awaitLog(UP, Await.GENEROUS);
      String log = node.log();
      if (log.contains(FORMED)) {
        formers.add(node.name());
      } else {
        assertTrue(log.contains(JOINING), node.name() + " neither formed nor joined a cluster");
      }
    }
    assertEquals(1, formers.size(), "nodes that formed a Pekko Cluster of their own: " + formers);
    String formerAddress = addressOf(cluster.allNodes().stream().filter(n -> n.name().equals(formers.get(0))).findFirst().orElseThrow());
    for (MainstayNodeProcess node : cluster.allNodes()) {
      if (!node.name().equals(formers.get(0))) {
        // every joiner was welcomed into a cluster, and the one it joined through is in the former's cluster
        assertTrue(node.log().contains("Welcome from"), node.name() + " was never welcomed into a cluster");
      }
    }
    System.out.printf("fault 5: %s formed the cluster at %s; %s is main%n", formers.get(0), formerAddress, main.name());

    try (CatalogWriter writer = new CatalogWriter(cluster::coordinators).start(1)) {
      writer.awaitAcks(10, main, Await.GENEROUS);
      writer.stop();
      Invariants.check(cluster, writer);
    }
    Timing.log("fault 5: done", started);
  }

  private static String addressOf(MainstayNodeProcess node) {
    String marker = "forming the cluster at ";
    String log = node.log();
    int at = log.indexOf(marker);
    return log.substring(at + marker.length(), log.indexOf('\n', at)).trim();
  }
}
