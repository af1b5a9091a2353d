package io.mainstay.runtime.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mainstay.actors.coordination.NodeNameInUseException;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.coordination.ProcessIdentity;
import io.mainstay.runtime.process.EndedProcess;
import io.mainstay.runtime.process.LocalProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restarted node and the record of its previous life. The previous record's session is kept alive here
 * (its client stays open), so waiting for it to expire could only end in "name in use": a registration
 * that succeeds proves the leftover was recognized by its process and removed.
 */
class NodeRegistrationTest {

  private static final Duration SESSION = Duration.ofSeconds(2);
  private static final ZkPaths PATHS = new ZkPaths("/mainstay/registration");

  private TestingServer zookeeper;
  private final List<CuratorFramework> clients = new ArrayList<>();

  @BeforeAll
  static void shortTicks() {
    System.setProperty("zookeeper.tickTime", "100");
  }

  @BeforeEach
  void startZooKeeper() throws Exception {
    zookeeper = new TestingServer(true);
  }

  @AfterEach
  void stopAll() throws Exception {
    clients.forEach(CuratorFramework::close);
    zookeeper.close();
  }

  @Test
  void theRecordOfAnEndedProcessOnThisMachineIsReplacedAtOnce() throws Exception {
    CuratorFramework previous = client();
    register(previous, record(EndedProcess.identity()));

    CuratorFramework restarted = client();
    register(restarted, record(LocalProcesses.current()));

    Stat stat = restarted.checkExists().forPath(PATHS.node("n1"));
    assertEquals(restarted.getZookeeperClient().getZooKeeper().getSessionId(), stat.getEphemeralOwner(),
        "the restarted node holds its record although the previous session lives on");
  }

  @Test
  void theRecordOfALiveProcessKeepsItsName() throws Exception {
    CuratorFramework live = client();
    register(live, record(LocalProcesses.current()));

    assertThrows(NodeNameInUseException.class, () -> register(client(), record(LocalProcesses.current())));
    assertEquals(live.getZookeeperClient().getZooKeeper().getSessionId(),
        live.checkExists().forPath(PATHS.node("n1")).getEphemeralOwner());
  }

  @Test
  void aRecordThatNamesNoProcessIsWaitedOutAsBefore() throws Exception {
    register(client(), record(null));
    assertThrows(NodeNameInUseException.class, () -> register(client(), record(LocalProcesses.current())));
  }

  private static NodeRecord record(ProcessIdentity process) {
    return new NodeRecord("n1", Set.of(NodeRecord.EXECUTOR), "pekko://mainstay@127.0.0.1:1", null, process);
  }

  private static void register(CuratorFramework client, NodeRecord record) throws Exception {
    new NodeRegistration(client, PATHS, record, SESSION).register();
  }

  private CuratorFramework client() {
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), (int) SESSION.toMillis(), 5000, new RetryOneTime(100));
    client.start();
    clients.add(client);
    return client;
  }
}
