package io.mainstay.ext.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as shipped: a single node on the distribution's own class path ({@code lib/*}, nothing
 * of the test's) runs the built-in extensions only, and with the one line {@code extensions.examples =
 * true} also the example from {@code lib/examples/}, which then does its work.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class ChecksumDistributionIT {

  private static final Set<String> BUILT_INS = Set.of("catalog", "probe", "sql");

  private static final Path LIB =
      Path.of(System.getProperty("mainstay.home"), "runtime", "target", "dist", "lib").toAbsolutePath().normalize();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void theExampleRunsOnlyWhenTheOneLineAsksForIt() throws Exception {
    try (var shipped = Files.list(LIB.resolve("examples"))) {
      assertTrue(shipped.anyMatch(jar -> jar.getFileName().toString().startsWith("mainstay-ext-checksum-")),
          "the example is shipped in " + LIB.resolve("examples"));
    }

    MainstayNodeProcess plain = node("plain", "").start().awaitRole(Ping.MAIN, Await.GENEROUS);
    // the built-ins' order is their jars' order on the class path
    assertEquals(BUILT_INS, Set.copyOf(extensionNames(plain)));
    assertEquals(BUILT_INS.size(), extensionNames(plain).size());
    assertEquals(404, plain.http().request("GET", "/api/v1/ext/checksum/jobs/x", null).status());
    plain.sigterm();
    assertEquals(0, plain.waitForExit(Await.GENEROUS), plain.log());

    MainstayNodeProcess examples = node("examples", "extensions.examples = true").start().awaitRole(Ping.MAIN, Await.GENEROUS);
    List<String> withExamples = extensionNames(examples);
    assertEquals(BUILT_INS, Set.copyOf(withExamples.subList(0, BUILT_INS.size())), "the built-ins first: " + withExamples);
    assertEquals(List.of("checksum"), withExamples.subList(BUILT_INS.size(), withExamples.size()));
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "shipped");
    HttpResult started = examples.http().request("POST", "/api/v1/ext/checksum/jobs", "{\"directory\":\"" + data + "\"}");
    assertEquals(202, started.status(), started.body());
    String id = started.json().get("id").asText();
    JsonNode done = Await.value("the job to complete", Await.GENEROUS, () -> {
      JsonNode job = examples.http().request("GET", "/api/v1/ext/checksum/jobs/" + id, null).json();
      return "COMPLETED".equals(job.path("state").asText()) ? job : null;
    });
    assertEquals(1, done.get("files").asLong());
  }

  private MainstayNodeProcess node(String name, String line) {
    var builder = MainstayNodeProcess.builder(dir, name).executor(true).embeddedZooKeeper(Loopback.freePort()).classpath(LIB + "/*");
    return (line.isEmpty() ? builder : builder.extraConf(line)).build();
  }

  private static List<String> extensionNames(MainstayNodeProcess node) {
    List<String> names = new ArrayList<>();
    node.http().cluster().json().path("extensions").forEach(extension -> names.add(extension.path("name").asText()));
    return names;
  }
}
