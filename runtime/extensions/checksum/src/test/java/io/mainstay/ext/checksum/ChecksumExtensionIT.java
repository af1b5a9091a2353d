package io.mainstay.ext.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example extension end to end on real processes: 2 coordinators and 2 executors, the extension on
 * the nodes' class path (this module's jar), as a jar in extensions.dir or lib/ext would be. A job runs on
 * both executors; then a job is started while one executor is paused (its part outstanding), the main is killed, and the new main finishes the job at its
 * own epoch, with the result in the store and the checksum the test computes itself.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class ChecksumExtensionIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void jobsRunOnEveryExecutorAndANewMainFinishesWhatTheKilledOneStarted() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    writeFiles(data, 40);
    String expected = checksumOf(data);
    LocalCluster cluster = LocalCluster.builder(dir.resolve("cluster")).coordinators(2).executors(2).start();
    MainstayNodeProcess main = cluster.main();
    cluster.awaitExecutorsRegistered(main);
    Set<String> executors = new TreeSet<>(cluster.executors().stream().map(MainstayNodeProcess::name).toList());

    JsonNode first = awaitState(main, submit(main, data), "COMPLETED");
    assertEquals(expected, first.get("checksum").asText());
    assertEquals(40, first.get("files").asLong());
    assertEquals(executors, names(first.get("executors")), "every executor hashed a part");
    // each executor's heartbeat reports its extension services to the main's /api/v1/cluster
    Await.until("every executor's checksum service listed as running", Await.GENEROUS, () -> {
      JsonNode listed = main.http().cluster().json().path("executors");
      int running = 0;
      for (JsonNode executor : listed) {
        running += executor.path("extensions").toString().contains(
            "{\"name\":\"checksum\",\"version\":") && executor.path("extensions").toString().contains(
            "\"kind\":\"executor\",\"state\":\"RUNNING\"") ? 1 : 0;
      }
      return running == executors.size();
    });

    // with one executor paused, its part stays outstanding: the job is RUNNING when its main dies
    MainstayNodeProcess paused = cluster.executors().get(1);
    paused.sigstop();
    long epoch = main.ping().epoch();
    String id;
    try {
      id = submit(main, data);
      assertEquals("RUNNING", job(main, id).get("state").asText());
      cluster.kill9(main);
    } finally {
      paused.sigcont();
    }
    MainstayNodeProcess successor = cluster.awaitNewMain(main, epoch);
    long newEpoch = successor.ping().epoch();
    JsonNode second = awaitState(successor, id, "COMPLETED");
    assertEquals(expected, second.get("checksum").asText());
    assertEquals(newEpoch, second.get("epoch").asLong(), "the new main finished the job at its own epoch");
    successor.awaitLog("resuming checksum job " + id, Await.GENEROUS);
    // the standby restarted in its place sees the same result in the store once it is main: it is in the store
    JsonNode cluster2 = successor.http().cluster().json();
    assertTrue(cluster2.get("extensions").toString().contains("\"name\":\"checksum\""), cluster2.toString());
  }

  @Test
  void badInputGetsOneClearError() throws Exception {
    LocalCluster cluster = LocalCluster.builder(dir.resolve("cluster")).coordinators(2).executors(0).start();
    MainstayNodeProcess main = cluster.main();
    HttpResult relative = main.http().request("POST", "/api/v1/ext/checksum/jobs", "{\"directory\":\"relative\"}");
    assertEquals(400, relative.status(), relative.body());
    HttpResult notJson = main.http().request("POST", "/api/v1/ext/checksum/jobs", "{");
    assertEquals(400, notJson.status(), notJson.body());
    HttpResult missing = main.http().request("GET", "/api/v1/ext/checksum/jobs/no-such-job", null);
    assertEquals(404, missing.status(), missing.body());
    // a standby does not serve the main's routes: it names the main
    HttpResult standby = cluster.other(main).http().request("POST", "/api/v1/ext/checksum/jobs", "{\"directory\":\"/tmp\"}");
    assertEquals(503, standby.status(), standby.body());
    assertEquals(main.webUrl(), standby.json().get("main").asText());
    String failed = submit(main, dir.resolve("no-such-directory"));
    JsonNode job = awaitState(main, failed, "FAILED");
    assertTrue(job.get("error").asText().contains("no-such-directory"), job.toString());
  }

  private static String submit(MainstayNodeProcess main, Path directory) {
    HttpResult started =
        main.http().request("POST", "/api/v1/ext/checksum/jobs", "{\"directory\":\"" + directory.toAbsolutePath() + "\"}");
    assertEquals(202, started.status(), started.body());
    return started.json().get("id").asText();
  }

  private static JsonNode job(MainstayNodeProcess main, String id) {
    HttpResult result = main.http().request("GET", "/api/v1/ext/checksum/jobs/" + id, null);
    assertEquals(200, result.status(), result.body());
    return result.json();
  }

  private static JsonNode awaitState(MainstayNodeProcess main, String id, String state) {
    return Await.value("checksum job " + id + " " + state + " on " + main.name(), Await.GENEROUS, () -> {
      HttpResult result = main.http().request("GET", "/api/v1/ext/checksum/jobs/" + id, null);
      return result.status() == 200 && state.equals(result.json().get("state").asText()) ? result.json() : null;
    });
  }

  private static Set<String> names(JsonNode array) {
    Set<String> names = new TreeSet<>();
    array.forEach(node -> names.add(node.asText()));
    return names;
  }

  private static void writeFiles(Path data, int count) throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[1000 + random.nextInt(50_000)];
      random.nextBytes(bytes);
      Path file = data.resolve(i % 3 == 0 ? "sub/file-" + i : "file-" + i);
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    }
  }

  /** What the extension must answer, computed here independently: SHA-256 of "<path> <sha256>\n" lines. */
  private static String checksumOf(Path data) throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(data)) {
      files = walk.filter(Files::isRegularFile).sorted((a, b) -> data.relativize(a).toString().compareTo(data.relativize(b).toString())).toList();
    }
    MessageDigest all = MessageDigest.getInstance("SHA-256");
    for (Path file : files) {
      MessageDigest one = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(file)) {
        one.update(in.readAllBytes());
      }
      all.update((data.relativize(file) + " " + HexFormat.of().formatHex(one.digest()) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(all.digest());
  }
}
