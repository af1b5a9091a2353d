package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.mainstay.it.ext.FaultyExtension;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeBuilder;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.ServiceJar;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extensions that fail, on real nodes: a main service that throws is restarted with backoff and counted,
 * one that keeps throwing is stopped and reported, and the node stays main and serves the catalog; a route
 * that throws answers 500; a busy extension does not hold up a graceful handover; a broken jar or two
 * extensions of one name stop the node at start-up with exit 2 and one line naming the extension and the
 * jar. The extension ({@link FaultyExtension}) is on the nodes' class path; a jar in {@code
 * extensions.dir} holding only its service file is what makes a node load it.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class ExtensionSupervisionIT {

  private static final String SUPERVISION =
      "services.supervision { min-backoff = 100ms, max-backoff = 400ms, max-restarts = 2, restart-window = 10m }";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aFailingMainServiceIsRestartedThenStoppedAndTheNodeStaysMain() throws Exception {
    Path ext = serviceJar("faulty.jar", FaultyExtension.class.getName());
    LocalCluster cluster = LocalCluster.builder(dir.resolve("cluster")).coordinators(1).executors(0)
        .nodeConf(node -> withExtensions(node, ext.getParent()).extraConf(SUPERVISION)).start();
    MainstayNodeProcess main = cluster.main();
    long epoch = main.ping().epoch();
    assertEquals(1, hello(main).get("start").asInt());

    for (int failure = 1; failure <= 2; failure++) {
      assertError(503, fail(main)); // the service died on the request: no answer in time
      int restarts = failure;
      Await.until("restart " + restarts + " of the main service", Await.GENEROUS,
          () -> "RUNNING".equals(mainService(main).path("state").asText()) && mainService(main).path("restarts").asInt() == restarts);
      JsonNode greeting = hello(main);
      assertEquals(failure + 1, greeting.get("start").asInt(), "a restart is a new start of the service");
      assertEquals(epoch, greeting.get("epoch").asLong());
      main.awaitLog("service ext-faulty-main failed, restart " + failure, Await.GENEROUS);
    }
    assertTrue(mainService(main).path("lastFailure").asText().contains("asked to fail"), mainService(main).toString());

    assertError(503, fail(main));
    Await.until("the main service reported failed", Await.GENEROUS, () -> "FAILED".equals(mainService(main).path("state").asText()));
    main.awaitLog("restart budget spent", Await.GENEROUS);
    HttpResult stopped = main.http().request("GET", "/api/v1/ext/faulty/hello", null);
    assertError(503, stopped);
    assertTrue(stopped.json().get("error").asText().contains("has failed and stays stopped"), stopped.body());

    assertEquals(200, main.ping().status(), "the node keeps its role");
    assertEquals(epoch, main.ping().epoch());
    assertEquals(200, main.http().put("after-the-failures", "{\"ok\":true}").status(), "the main still serves the catalog");
    assertEquals(200, main.http().get("after-the-failures").status());

    HttpResult boom = main.http().request("GET", "/api/v1/ext/faulty/boom", null);
    assertError(500, boom);
    assertEquals(200, main.ping().status(), "a route that throws leaves the node up");
    assertTrue(main.isAlive());
    assertEquals(List.of(), cluster.unplannedExits());
  }

  @Test
  void aGracefulHandoverCompletesWhileAnExtensionIsBusy() throws Exception {
    Path ext = serviceJar("faulty.jar", FaultyExtension.class.getName());
    LocalCluster cluster = LocalCluster.builder(dir.resolve("cluster")).coordinators(2).executors(0)
        .nodeConf(node -> withExtensions(node, ext.getParent())).start();
    MainstayNodeProcess main = cluster.main();
    long epoch = main.ping().epoch();
    HttpResult busy = main.http().request("POST", "/api/v1/ext/faulty/busy", "");
    assertEquals(200, busy.status(), busy.body());
    // the service now holds its thread for ten minutes; the catalog and the web port do not wait on it
    assertEquals(200, main.http().put("while-busy", "{\"n\":1}").status());
    // coordinator services run on every coordinator, the standby too, and a route reaches its own node's
    MainstayNodeProcess standby = cluster.other(main);
    HttpResult here = standby.http().request("GET", "/api/v1/ext/faulty/coordinator", null);
    assertEquals(200, here.status(), here.body());
    assertEquals(standby.name(), here.json().get("node").asText());
    assertEquals("RUNNING", service(standby, "coordinator").path("state").asText());

    cluster.sigterm(main);
    cluster.awaitExit(main, 0, Await.GENEROUS);
    MainstayNodeProcess successor = cluster.awaitNewMain(main, epoch);
    JsonNode greeting = hello(successor);
    assertTrue(greeting.get("epoch").asLong() > epoch, greeting.toString());
    assertEquals(successor.name(), greeting.get("node").asText());
    assertEquals(200, successor.http().get("while-busy").status(), "the write acknowledged before the stop survived");
    assertEquals(List.of(), cluster.unplannedExits());
  }

  @Test
  void anExtensionThatCannotBeLoadedStopsTheNodeWithOneLine() throws Exception {
    Path jar = serviceJar("broken.jar", "io.mainstay.it.ext.NoSuchExtension");
    String line = refusedLine(jar.getParent());
    assertTrue(line.contains("io.mainstay.it.ext.NoSuchExtension"), line);
    assertTrue(line.contains(jar.toString()), "the line names the jar: " + line);
  }

  @Test
  void twoExtensionsOfOneNameStopTheNodeWithOneLine() throws Exception {
    Path jar = serviceJar("twins.jar", FaultyExtension.class.getName(), FaultyExtension.Twin.class.getName());
    String line = refusedLine(jar.getParent());
    assertTrue(line.contains("two extensions are named faulty"), line);
    assertTrue(line.contains(FaultyExtension.Twin.class.getName()), line);
  }

  /** Starts a node on {@code extDir} and returns the one line it exits 2 with. */
  private String refusedLine(Path extDir) {
    MainstayNodeProcess node = withExtensions(MainstayNodeProcess.builder(dir, "refused").zookeeper("127.0.0.1:2181"), extDir)
        .build().start();
    assertEquals(2, node.waitForExit(Await.GENEROUS), node.log());
    List<String> lines = node.log().lines().filter(l -> l.startsWith("mainstay: extension error: ")).toList();
    assertEquals(1, lines.size(), node.log());
    assertFalse(node.log().contains("starting node"), "got past loading the extensions: " + node.log());
    assertFalse(node.log().contains("\tat "), "a stack trace instead of one line: " + node.log());
    return lines.get(0);
  }

  private static MainstayNodeBuilder withExtensions(MainstayNodeBuilder node, Path extDir) {
    return node.extraConf("extensions.dir = \"" + extDir + "\"");
  }

  /** A jar in its own directory naming {@code classNames}. */
  private Path serviceJar(String name, String... classNames) {
    return ServiceJar.write(dir.resolve("ext-" + name).resolve(name), List.of(classNames));
  }

  private static JsonNode hello(MainstayNodeProcess node) {
    HttpResult result = node.http().request("GET", "/api/v1/ext/faulty/hello", null);
    assertEquals(200, result.status(), result.body());
    return result.json();
  }

  private static HttpResult fail(MainstayNodeProcess node) {
    return node.http().request("POST", "/api/v1/ext/faulty/fail", "");
  }

  private static JsonNode mainService(MainstayNodeProcess node) {
    return service(node, "main");
  }

  /** The faulty extension's service of {@code kind} as {@code /api/v1/cluster} lists it (a missing node if not yet). */
  private static JsonNode service(MainstayNodeProcess node, String kind) {
    for (JsonNode extension : node.http().cluster().json().path("extensions")) {
      if (FaultyExtension.NAME.equals(extension.path("name").asText())) {
        for (JsonNode service : extension.path("services")) {
          if (kind.equals(service.path("kind").asText())) {
            return service;
          }
        }
      }
    }
    return MissingNode.getInstance();
  }

  private static void assertError(int status, HttpResult result) {
    assertEquals(status, result.status(), result.body());
    assertTrue(result.json().path("error").isTextual(), "a JSON error: " + result.body());
  }
}
