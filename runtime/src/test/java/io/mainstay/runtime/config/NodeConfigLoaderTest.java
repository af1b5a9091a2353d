package io.mainstay.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mainstay.actors.supervision.ServiceSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodeConfigLoaderTest {

  @TempDir
  Path tmp;

  private NodeConfigLoader.Loaded parse(String hocon) throws ConfigProblem {
    return NodeConfigLoader.parse(hocon, tmp);
  }

  private ConfigProblem problem(String hocon) {
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> parse(hocon));
    assertOneLine(p);
    return p;
  }

  private static void assertOneLine(ConfigProblem p) {
    assertFalse(p.getMessage().contains("\n") || p.getMessage().contains("\r"), p.getMessage());
    assertTrue(p.getMessage().startsWith(p.key() + ": "), p.getMessage());
  }

  private static void assertContains(String haystack, String needle) {
    assertTrue(haystack.contains(needle), () -> "expected '" + needle + "' in: " + haystack);
  }

  // --- defaults --------------------------------------------------------------------------------------------

  @Test
  void emptyFileGivesTheSingleNodeDefaults() throws Exception {
    NodeConfigLoader.Loaded loaded = parse("");
    NodeConfig c = loaded.config();
    assertEquals(List.of(), loaded.warnings());
    assertTrue(c.coordinator());
    assertTrue(c.mainEligible());
    assertTrue(c.embeddedZooKeeper());
    assertTrue(c.executor());
    assertEquals(2181, c.embeddedZooKeeperPort());
    assertEquals(9047, c.webPort());
    assertEquals(45678, c.fabricPort());
    assertEquals(Runtime.getRuntime().availableProcessors(), c.executorSlots());
    assertEquals("localhost:2181", c.zookeeper());
    assertEquals(Duration.ofMillis(10_000), c.zkSessionTimeout());
    assertEquals("mainstay", c.clusterId());
    assertEquals("/mainstay/mainstay", c.zkRoot());
    assertEquals(tmp.resolve("data").toAbsolutePath().normalize(), c.localPath());
    assertFalse(Files.exists(c.localPath()), "reading the configuration touches no file (LocalPath does, at start-up)");
    assertTrue(c.nodeName().matches("[A-Za-z0-9._-]{1,128}"), c.nodeName());
    assertFalse(c.nodeHost().isBlank());
    assertEquals("http://" + (c.nodeHost().contains(":") ? "[" + c.nodeHost() + "]" : c.nodeHost()) + ":9047",
        c.webUrl());
    assertEquals(List.of("coordinator", "master", "executor"), List.copyOf(c.roles()));
    assertTrue(c.pekkoOverrides().isEmpty());
    assertContains(c.summary(), "coordinator+master+executor");
    assertEquals(ServiceSupervisor.Settings.defaults(), c.supervision());
    assertEquals(new NodeConfig.Extensions(Optional.empty(), Set.of(), false), c.extensions());
  }

  @Test
  void extensionsTakeADirectoryRelativeToTheHomeNamesToLeaveOutAndTheExamples() throws Exception {
    NodeConfig.Extensions e = parse("extensions { dir: \"plugins\", disabled: [\"probe\"], examples: yes }").config().extensions();
    assertEquals(new NodeConfig.Extensions(Optional.of(tmp.resolve("plugins").toAbsolutePath()), Set.of("probe"), true), e);
    ConfigProblem p = problem("extensions.disabled: [\"Probe\"]");
    assertEquals("extensions.disabled", p.key());
    assertContains(p.getMessage(), "'Probe' is not an extension name");
  }

  @Test
  void extensionsReadTheirOwnKeysFromTheResolvedConfigurationWithPathsLocalAbsolute() throws Exception {
    NodeConfig c = parse("paths.local: \"state\"\nmyext { threads: 3 }").config();
    assertEquals(tmp.resolve("state").toAbsolutePath().normalize().toString(), c.resolved().getString("paths.local"));
    assertEquals(3, c.resolved().getInt("myext.threads"));
    assertEquals(c.executorSlots(), c.resolved().getInt("services.executor.slots"));
  }

  @Test
  void storeMapSizeTakesSizesWithUnitsWithinBounds() throws Exception {
    assertEquals(1L << 30, parse("").config().storeMapSize());
    assertEquals(64L << 20, parse("store.map-size: 64 MiB").config().storeMapSize());
    assertEquals(2L << 30, parse("store.map-size: 2147483648").config().storeMapSize());
    for (String bad : List.of("store.map-size: 1 MiB", "store.map-size: 2 TiB", "store.map-size: lots")) {
      ConfigProblem p = problem(bad);
      assertEquals("store.map-size", p.key(), bad);
      assertOneLine(p);
    }
  }

  @Test
  void pathsDatasetsMustBeAListOfStrings() throws Exception {
    assertEquals(List.of("/data/a", "b"), parse("paths.datasets: [\"/data/a\", b]").config().resolved().getStringList("paths.datasets"));
    assertEquals("paths.datasets", problem("paths.datasets: {a: 1}").key());
  }

  @Test
  void dremioStyleHaCoordinator() throws Exception {
    NodeConfig c = parse("""
        paths: { local: "%s" }
        services: {
          coordinator.enabled: true,
          coordinator.master.enabled: true,
          coordinator.master.embedded-zookeeper.enabled: false,
          executor.enabled: false
        }
        zookeeper: "zk1:2181,zk2:2181,zk3:2181"
        """.formatted(tmp.resolve("nfs/mainstay"))).config();
    assertTrue(c.coordinator());
    assertTrue(c.mainEligible());
    assertFalse(c.embeddedZooKeeper());
    assertFalse(c.executor());
    assertEquals("zk1:2181,zk2:2181,zk3:2181", c.zookeeper());
    assertEquals(tmp.resolve("nfs/mainstay"), c.localPath());
    assertEquals(Set.of("coordinator", "master"), c.roles());
  }

  @Test
  void executorOnlyNeedsOnlyCoordinatorDisabled() throws Exception {
    // master and embedded ZooKeeper default to follow the coordinator setting
    NodeConfig c = parse("""
        services.coordinator.enabled: false
        zookeeper: "zk1:2181"
        """).config();
    assertFalse(c.coordinator());
    assertFalse(c.mainEligible());
    assertFalse(c.embeddedZooKeeper());
    assertTrue(c.executor());
    assertEquals(Set.of("executor"), c.roles());
  }

  @Test
  void coordinatorThatIsNotMasterEligible() throws Exception {
    NodeConfig c = parse("""
        services.coordinator.master.enabled: false
        services.executor.enabled: false
        zookeeper: "zk1:2181"
        """).config();
    assertTrue(c.coordinator());
    assertFalse(c.mainEligible());
    assertFalse(c.embeddedZooKeeper(), "embedded ZooKeeper follows master-eligibility");
    assertEquals(List.of("coordinator"), List.copyOf(c.roles()));
  }

  @Test
  void everyKeyExplicit() throws Exception {
    NodeConfig c = parse("""
        paths.local: "/%s/explicit"
        services {
          coordinator {
            enabled: true
            master {
              enabled: true
              embedded-zookeeper { enabled: true, port: 2999 }
            }
            web.port: 8080
          }
          fabric.port: 0
          executor { enabled: true, slots: 3 }
        }
        zookeeper: " localhost:2999 , zk2:2182 "
        zk.client.session.timeout: 30000
        cluster.id: "prod-eu_1.a"
        node.name: "node-1"
        node.host: "10.0.0.7"
        """.formatted(tmp)).config();
    assertEquals(tmp.resolve("explicit").toAbsolutePath().normalize(), c.localPath());
    assertEquals(2999, c.embeddedZooKeeperPort());
    assertEquals(8080, c.webPort());
    assertEquals(0, c.fabricPort());
    assertEquals(3, c.executorSlots());
    assertEquals("localhost:2999,zk2:2182", c.zookeeper(), "entries are trimmed");
    assertEquals(Duration.ofSeconds(30), c.zkSessionTimeout());
    assertEquals("prod-eu_1.a", c.clusterId());
    assertEquals("/mainstay/prod-eu_1.a", c.zkRoot());
    assertEquals("node-1", c.nodeName());
    assertEquals("10.0.0.7", c.nodeHost());
    assertEquals("http://10.0.0.7:8080", c.webUrl());
  }

  @Test
  void zookeeperDefaultsToTheEmbeddedPort() throws Exception {
    assertEquals("localhost:2345",
        parse("services.coordinator.master.embedded-zookeeper.port: 2345").config().zookeeper());
  }

  @Test
  void numbersAndBooleansAsStringsAreAccepted() throws Exception {
    NodeConfig c = parse("""
        services.coordinator.web.port: "9050"
        services.executor.enabled: "yes"
        zk.client.session.timeout: "15s"
        """).config();
    assertEquals(9050, c.webPort());
    assertTrue(c.executor());
    assertEquals(Duration.ofSeconds(15), c.zkSessionTimeout());
  }

  @Test
  void nullMeansTheDefault() throws Exception {
    NodeConfig c = parse("services.coordinator.web.port: null\nnode: null\nzookeeper: null").config();
    assertEquals(9047, c.webPort());
    assertEquals(parse("").config().nodeName(), c.nodeName());
    assertEquals("localhost:2181", c.zookeeper());
  }

  @Test
  void theFilesSubstitutionsMayNameDefaults() throws Exception {
    assertEquals("127.0.0.1:2181",
        parse("zookeeper: \"127.0.0.1:\"${services.coordinator.master.embedded-zookeeper.port}").config().zookeeper());
  }

  @Test
  void ipv6NodeHostIsBracketedInTheUrl() throws Exception {
    NodeConfig c = parse("node.host: \"[fd00::7]\"\nzookeeper: \"[::1]:2181\"").config();
    assertEquals("fd00::7", c.nodeHost());
    assertEquals("http://[fd00::7]:9047", c.webUrl());
    assertEquals("[::1]:2181", c.zookeeper());
  }

  // --- the file --------------------------------------------------------------------------------------------

  @Test
  void loadReadsMainstayConfFromTheDirectory() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    Files.writeString(conf.resolve("mainstay.conf"), "paths.local: \"" + tmp.resolve("d") + "\"\nnode.name: n1\n");
    NodeConfig c = NodeConfigLoader.load(conf).config();
    assertEquals("n1", c.nodeName());
    assertEquals(tmp.resolve("d"), c.localPath());
  }

  @Test
  void loadSupportsIncludesRelativeToTheFile() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    Files.writeString(conf.resolve("common.conf"), "cluster.id: shared\n");
    Files.writeString(conf.resolve("mainstay.conf"),
        "include \"common.conf\"\npaths.local: \"" + tmp.resolve("d") + "\"\n");
    assertEquals("shared", NodeConfigLoader.load(conf).config().clusterId());
  }

  @Test
  void missingFileNamesThePath() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> NodeConfigLoader.load(conf));
    assertOneLine(p);
    assertEquals("mainstay.conf", p.key());
    assertContains(p.getMessage(), "file not found");
    assertContains(p.getMessage(), conf.resolve("mainstay.conf").toString());
  }

  @Test
  void missingDirectoryNamesThePath() {
    Path conf = tmp.resolve("nope");
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> NodeConfigLoader.load(conf));
    assertOneLine(p);
    assertEquals("mainstay.conf", p.key());
    assertContains(p.getMessage(), conf.toString());
  }

  @Test
  void syntaxErrorNamesTheLine() {
    ConfigProblem p = problem("""
        paths {
          local: "/tmp/x"
        services.executor.enabled = true
        zookeeper: "a:1" }}
        """);
    assertEquals("mainstay.conf", p.key());
    assertContains(p.getMessage(), "syntax error at line ");
  }

  @Test
  void syntaxErrorLineNumberIsExact() {
    ConfigProblem p = problem("a: 1\nb: 2\nc: [1, 2\n");
    assertEquals("mainstay.conf", p.key());
    assertTrue(p.getMessage().matches("mainstay\\.conf: syntax error at line [34]: .*"), p.getMessage());
  }

  @Test
  void syntaxErrorInLoadedFileNamesTheFile() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    Files.writeString(conf.resolve("mainstay.conf"), "node.name: a\nservices {\n  executor.enabled: true\n");
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> NodeConfigLoader.load(conf));
    assertOneLine(p);
    assertEquals("mainstay.conf", p.key());
    assertContains(p.getMessage(), "syntax error at line");
    assertContains(p.getMessage(), conf.resolve("mainstay.conf").toString());
  }

  @Test
  void unresolvedSubstitution() {
    ConfigProblem p = problem("node.name: ${undefined.thing}");
    assertEquals("mainstay.conf", p.key());
    assertContains(p.getMessage(), "unresolved substitution at line 1");
    assertContains(p.getMessage(), "undefined.thing");
  }

  @Test
  void optionalEnvironmentSubstitutionFallsBackToTheDefault() throws Exception {
    assertEquals("localhost:2181",
        parse("zookeeper: ${?MAINSTAY_TEST_SURELY_UNSET_VARIABLE_4711}").config().zookeeper());
  }

  @Test
  void systemPropertiesDoNotLeakIn() throws Exception {
    String old = System.getProperty("zookeeper");
    System.setProperty("zookeeper", "leaked:1");
    try {
      assertEquals("localhost:2181", parse("").config().zookeeper());
    } finally {
      if (old == null) {
        System.clearProperty("zookeeper");
      } else {
        System.setProperty("zookeeper", old);
      }
    }
  }

  // --- wrong types -----------------------------------------------------------------------------------------

  @Test
  void portAsWordIsAWrongType() {
    ConfigProblem p = problem("services.coordinator.web.port: abc");
    assertEquals("services.coordinator.web.port", p.key());
    assertTrue(p.getMessage().startsWith("services.coordinator.web.port: expected a number, got STRING 'abc'"),
        p.getMessage());
    assertContains(p.getMessage(), "(line 1)");
  }

  @Test
  void fractionIsAWrongType() {
    ConfigProblem p = problem("services.executor.slots: 1.5");
    assertEquals("services.executor.slots", p.key());
    assertContains(p.getMessage(), "expected a whole number, got NUMBER '1.5'");
  }

  @Test
  void booleanWrongType() {
    ConfigProblem p = problem("\n\nservices.executor.enabled: maybe");
    assertEquals("services.executor.enabled", p.key());
    assertContains(p.getMessage(), "expected true or false, got STRING 'maybe' (line 3)");
  }

  @Test
  void listWhereStringBelongs() {
    ConfigProblem p = problem("zookeeper: [\"zk1:2181\", \"zk2:2181\"]");
    assertEquals("zookeeper", p.key());
    assertContains(p.getMessage(), "expected a string, got LIST");
  }

  @Test
  void listAtTheEmbeddedPortNamesThePortNotTheDerivedZookeeperDefault() {
    ConfigProblem p = problem("services.coordinator.master.embedded-zookeeper.port: [2181]");
    assertEquals("services.coordinator.master.embedded-zookeeper.port", p.key());
    assertContains(p.getMessage(), "expected a number, got LIST '[2181]' (line 1)");
  }

  @Test
  void hugeSlotCountIsOutOfRange() {
    ConfigProblem p = problem("services.executor.slots: 99999999999");
    assertEquals("services.executor.slots", p.key());
    assertContains(p.getMessage(), "99999999999 is out of range");
  }

  @Test
  void scalarWhereObjectBelongs() {
    ConfigProblem p = problem("services.coordinator: true");
    assertEquals("services.coordinator", p.key());
    assertContains(p.getMessage(), "expected an object");
    assertContains(p.getMessage(), "BOOLEAN 'true'");
  }

  @Test
  void pekkoMustBeAnObject() {
    ConfigProblem p = problem("pekko: 1");
    assertEquals("pekko", p.key());
    assertContains(p.getMessage(), "expected an object");
  }

  @Test
  void sessionTimeoutWrongType() {
    ConfigProblem p = problem("zk.client.session.timeout: soon");
    assertEquals("zk.client.session.timeout", p.key());
    assertContains(p.getMessage(), "got STRING 'soon'");
  }

  // --- roles -----------------------------------------------------------------------------------------------

  @Test
  void masterWithoutCoordinator() {
    ConfigProblem p = problem("""
        services.coordinator.enabled: false
        services.coordinator.master.enabled: true
        """);
    assertEquals("services.coordinator.master.enabled", p.key());
    assertContains(p.getMessage(), "must be a coordinator");
  }

  @Test
  void noRoleAtAll() {
    ConfigProblem p = problem("""
        services.coordinator.enabled: false
        services.executor.enabled: false
        """);
    assertEquals("services", p.key());
    assertContains(p.getMessage(), "no role");
    assertContains(p.getMessage(), "services.coordinator.enabled");
    assertContains(p.getMessage(), "services.executor.enabled");
  }

  @Test
  void embeddedZooKeeperOnANodeThatIsNotMasterEligible() {
    ConfigProblem p = problem("""
        services.coordinator.master.enabled: false
        services.coordinator.master.embedded-zookeeper.enabled: true
        """);
    assertEquals("services.coordinator.master.embedded-zookeeper.enabled", p.key());
    assertContains(p.getMessage(), "not master-eligible");
  }

  @Test
  void embeddedZooKeeperOnAnExecutor() {
    ConfigProblem p = problem("""
        services.coordinator.enabled: false
        services.coordinator.master.embedded-zookeeper.enabled: true
        """);
    assertEquals("services.coordinator.master.embedded-zookeeper.enabled", p.key());
  }

  // --- zookeeper -------------------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                   | is empty",
      "zk1                  | entry 'zk1' has no port",
      ":2181                | entry ':2181' has no host",
      "zk1:0                | invalid port '0'",
      "zk1:65536            | invalid port '65536'",
      "zk1:abc              | invalid port 'abc'",
      "zk1:                 | invalid port ''",
      "zk1:2181,            | empty entry",
      "zk1:2181,,zk2:2181   | empty entry",
      "zk1:2181;zk2:2181    | not host:port",
      "zk 1:2181            | invalid host 'zk 1'",
      "::1:2181             | write IPv6 addresses as [address]:port",
      "zk1:2181/mainstay    | chroot suffix '/mainstay'",
      "zk1:2181,zk2:2181/a  | chroot suffix '/a'",
  })
  void malformedZookeeper(String value, String expected) {
    ConfigProblem p = problem("zookeeper: \"" + value + "\"");
    assertEquals("zookeeper", p.key());
    assertContains(p.getMessage(), expected);
  }

  // --- ports and numbers -----------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
      "services.coordinator.web.port, 0, 1..65535",
      "services.coordinator.web.port, 65536, 1..65535",
      "services.fabric.port, -1, 0..65535",
      "services.fabric.port, 70000, 0..65535",
      "services.coordinator.master.embedded-zookeeper.port, 0, 1..65535",
      "services.coordinator.master.embedded-zookeeper.port, 65536, 1..65535",
  })
  void portOutOfRange(String key, String value, String range) {
    ConfigProblem p = problem(key + ": " + value);
    assertEquals(key, p.key());
    assertContains(p.getMessage(), value + " is out of range; use " + range);
  }

  @Test
  void fabricPortZeroMeansAnyFreePort() throws Exception {
    assertEquals(0, parse("services.fabric.port: 0").config().fabricPort());
  }

  @Test
  void portClash() {
    ConfigProblem p = problem("services.fabric.port: 9047");
    assertEquals("services.fabric.port", p.key());
    assertContains(p.getMessage(), "9047 is also services.coordinator.web.port");
  }

  @Test
  void embeddedZooKeeperPortClash() {
    ConfigProblem p = problem("services.coordinator.master.embedded-zookeeper.port: 9047");
    assertEquals("services.coordinator.master.embedded-zookeeper.port", p.key());
  }

  @Test
  void webPortIsNotReservedOnAnExecutor() throws Exception {
    NodeConfig c = parse("""
        services.coordinator.enabled: false
        services.fabric.port: 9047
        zookeeper: "zk1:2181"
        """).config();
    assertEquals(9047, c.fabricPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-2"})
  void executorSlotsMustBePositive(String slots) {
    ConfigProblem p = problem("services.executor.slots: " + slots);
    assertEquals("services.executor.slots", p.key());
    assertContains(p.getMessage(), "at least 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"999", "600001", "0", "\"1h\""})
  void sessionTimeoutOutOfRange(String value) {
    ConfigProblem p = problem("zk.client.session.timeout: " + value);
    assertEquals("zk.client.session.timeout", p.key());
    assertContains(p.getMessage(), "out of range; use 1000..600000");
  }

  @Test
  void sessionTimeoutBounds() throws Exception {
    assertEquals(Duration.ofSeconds(1), parse("zk.client.session.timeout: 1000").config().zkSessionTimeout());
    assertEquals(Duration.ofMinutes(10), parse("zk.client.session.timeout: 600000").config().zkSessionTimeout());
  }

  // --- names -----------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "..", "with space", "", "x123456789x123456789x123456789x123456789x123456789x123456789x1234"})
  void badClusterId(String id) {
    ConfigProblem p = problem("cluster.id: \"" + id + "\"");
    assertEquals("cluster.id", p.key());
    assertContains(p.getMessage(), "is not allowed");
  }

  @Test
  void clusterIdOfSixtyFourCharactersIsFine() throws Exception {
    String id = "x".repeat(64);
    assertEquals(id, parse("cluster.id: " + id).config().clusterId());
  }

  @Test
  void badNodeName() {
    ConfigProblem p = problem("node.name: \"my node\"");
    assertEquals("node.name", p.key());
    assertContains(p.getMessage(), "'my node' is not allowed");
  }

  @Test
  void wildcardNodeHost() {
    ConfigProblem p = problem("node.host: \"0.0.0.0\"");
    assertEquals("node.host", p.key());
    assertContains(p.getMessage(), "wildcard");
  }

  @Test
  void urlAsNodeHost() {
    ConfigProblem p = problem("node.host: \"http://x\"");
    assertEquals("node.host", p.key());
    assertContains(p.getMessage(), "not a host name or IP address");
  }

  // --- paths.local -----------------------------------------------------------------------------------------

  @Test
  void relativePathResolvesAgainstTheBaseDirectory() throws Exception {
    NodeConfig c = parse("paths.local: \"./a/../store\"").config();
    assertEquals(tmp.resolve("store"), c.localPath());
    assertFalse(Files.exists(tmp.resolve("store")));
  }

  @Test
  void loadResolvesRelativePathsAgainstMainstayHome() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path conf = Files.createDirectories(tmp.resolve("elsewhere/conf"));
    Files.writeString(conf.resolve("mainstay.conf"), "paths.local: data/node1\n");
    String old = System.getProperty("mainstay.home");
    System.setProperty("mainstay.home", home.toString());
    try {
      assertEquals(home.resolve("data/node1"), NodeConfigLoader.load(conf).config().localPath());
    } finally {
      if (old == null) {
        System.clearProperty("mainstay.home");
      } else {
        System.setProperty("mainstay.home", old);
      }
    }
  }

  @Test
  void loadResolvesRelativePathsAgainstTheCurrentDirectoryWithoutMainstayHome() throws Exception {
    String old = System.getProperty("mainstay.home");
    System.clearProperty("mainstay.home");
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    String rel = "target/nodeconfig-test-" + ProcessHandle.current().pid();
    Files.writeString(conf.resolve("mainstay.conf"), "paths.local: \"" + rel + "\"\n");
    Path expected = Path.of("").toAbsolutePath().resolve(rel).normalize();
    try {
      assertEquals(expected, NodeConfigLoader.load(conf).config().localPath());
    } finally {
      if (old != null) {
        System.setProperty("mainstay.home", old);
      }
    }
  }

  @Test
  void emptyLocalPath() {
    ConfigProblem p = problem("paths.local: \"\"");
    assertEquals("paths.local", p.key());
    assertContains(p.getMessage(), "is empty");
  }

  // --- warnings --------------------------------------------------------------------------------------------

  @Test
  void unknownKeysAreWarnedWithASuggestion() throws Exception {
    NodeConfigLoader.Loaded loaded = parse("""
        services.coordinator.webport: 9048
        frobnicate.level: 3
        """);
    assertEquals(2, loaded.warnings().size(), loaded.warnings().toString());
    String first = loaded.warnings().get(0);
    assertContains(first, "unknown key 'services.coordinator.webport' (ignored)");
    assertContains(first, "at line 1");
    assertContains(first, "did you mean 'services.coordinator.web.port'?");
    assertContains(loaded.warnings().get(1), "unknown key 'frobnicate.level' (ignored)");
    assertFalse(loaded.warnings().get(1).contains("did you mean"), loaded.warnings().get(1));
    assertEquals(9047, loaded.config().webPort(), "the misspelt key does not take effect");
  }

  @Test
  void pekkoKeysAreNeverWarned() throws Exception {
    NodeConfigLoader.Loaded loaded = parse("pekko.some.unheard.of.setting: 1\npekko { loglevel: DEBUG }");
    assertEquals(List.of(), loaded.warnings());
  }

  @Test
  void embeddedZooKeeperThatNobodyUsesIsWarned() throws Exception {
    NodeConfigLoader.Loaded loaded = parse("zookeeper: \"zk1:2181,zk2:2181\"");
    assertTrue(loaded.config().embeddedZooKeeper());
    assertEquals(1, loaded.warnings().size(), loaded.warnings().toString());
    assertContains(loaded.warnings().get(0), "does not include this node's embedded ZooKeeper");
    assertContains(loaded.warnings().get(0), "services.coordinator.master.embedded-zookeeper.enabled: false");
  }

  @Test
  void embeddedZooKeeperInTheQuorumIsNotWarned() throws Exception {
    NodeConfigLoader.Loaded loaded = parse("node.host: \"10.1.1.1\"\nzookeeper: \"10.1.1.1:2181,zk2:2181\"");
    assertEquals(List.of(), loaded.warnings());
  }

  // --- pekko passthrough -----------------------------------------------------------------------------------

  @Test
  void pekkoBlockIsPassedThroughRootedAtPekko() throws Exception {
    NodeConfig c = parse("""
        node.name: n1
        pekko {
          loglevel: "DEBUG"
          actor.provider: cluster
          cluster.downing-provider-class: "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
        }
        pekko.remote.artery.canonical.port: 25520
        """).config();
    Config p = c.pekkoOverrides();
    assertEquals("DEBUG", p.getString("pekko.loglevel"));
    assertEquals("cluster", p.getString("pekko.actor.provider"));
    assertEquals(25520, p.getInt("pekko.remote.artery.canonical.port"));
    assertFalse(p.hasPath("node"), "only the pekko block is passed through");
    Config merged = p.withFallback(ConfigFactory.parseString("pekko.loglevel = INFO\npekko.stdout-loglevel = OFF"));
    assertEquals("DEBUG", merged.getString("pekko.loglevel"));
    assertEquals("OFF", merged.getString("pekko.stdout-loglevel"));
  }

  @Test
  void noPekkoBlockGivesAnEmptyConfig() throws Exception {
    assertTrue(parse("node.name: n1").config().pekkoOverrides().isEmpty());
  }

  // --- shipped configuration files -------------------------------------------------------------------------

  @Test
  void supervisionTakesDurationsAndABudget() throws Exception {
    NodeConfig c = parse("services.supervision { min-backoff: 50ms, max-backoff: \"2s\", max-restarts: 0,"
        + " restart-window: 30000 }").config();
    assertEquals(new ServiceSupervisor.Settings(Duration.ofMillis(50), Duration.ofSeconds(2), 0, Duration.ofSeconds(30)),
        c.supervision());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "services.supervision.min-backoff: 0      | services.supervision.min-backoff    | must be a positive duration",
      "services.supervision.restart-window: -1s | services.supervision.restart-window | must be a positive duration",
      "services.supervision.max-backoff: 100ms  | services.supervision.max-backoff    | is below services.supervision.min-backoff",
      "services.supervision.max-restarts: -1    | services.supervision.max-restarts   | out of range; use 0..1000",
      "services.supervision.max-restarts: 2.5   | services.supervision.max-restarts   | a whole number",
      "services.supervision.min-backoff: soon   | services.supervision.min-backoff    | or a duration",
  })
  void badSupervisionNamesTheKey(String hocon, String key, String expected) {
    ConfigProblem p = problem(hocon);
    assertEquals(key, p.key());
    assertContains(p.getMessage(), expected);
  }

  @Test
  void shippedConfigurationsParseWithoutWarnings() throws Exception {
    Path confDir = Path.of("").toAbsolutePath().resolveSibling("conf");
    assumeTrue(Files.isRegularFile(confDir.resolve("mainstay.conf")), "no conf/ next to the module");
    String singleNode = Files.readString(confDir.resolve("mainstay.conf"));
    NodeConfigLoader.Loaded loaded = parse(singleNode);
    assertEquals(List.of(), loaded.warnings());
    assertEquals(List.of("coordinator", "master", "executor"), List.copyOf(loaded.config().roles()));
    assertTrue(loaded.config().embeddedZooKeeper());
    assertEquals(tmp.resolve("data"), loaded.config().localPath());

    assertEquals(parse("").config(), loaded.config(), "the shipped file states the defaults");

    for (String example : List.of("coordinator.conf", "executor.conf")) {
      Path file = confDir.resolve("examples").resolve(example);
      assumeTrue(Files.isRegularFile(file), "missing " + file);
      // the examples point paths.local at production volumes; redirect it into the temp dir
      String text = Files.readString(file) + "\npaths.local: \"" + tmp.resolve(example) + "\"\n";
      NodeConfigLoader.Loaded ex = parse(text);
      assertEquals(List.of(), ex.warnings(), example);
      assertFalse(ex.config().embeddedZooKeeper(), example);
      if (example.startsWith("coordinator")) {
        assertEquals(List.of("coordinator", "master"), List.copyOf(ex.config().roles()));
        assertEquals("zk1:2181,zk2:2181,zk3:2181", ex.config().zookeeper());
      } else {
        assertEquals(List.of("executor"), List.copyOf(ex.config().roles()));
      }
    }
  }
}
