package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store filled to its map size refuses writes with 503 naming the key that fixes it, still serves reads,
 * and after the operator raises {@code store.map-size} and restarts the node it takes writes again with
 * every acknowledged entry still there.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class StoreMapSizeIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aFullStoreRefusesWritesUntilItsMapSizeIsRaised() throws Exception {
    MainstayNodeProcess node = MainstayNodeProcess.builder(dir, "full-main")
        .embeddedZooKeeper(Loopback.freePort())
        .extraConf("store.map-size: 16 MiB")
        .httpTimeouts(new NodeHttp.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30)))
        .build()
        .start()
        .awaitRole(Ping.MAIN, Await.GENEROUS);
    NodeHttp http = node.http();
    String document = "{\"pad\": \"" + "x".repeat(900_000) + "\"}";
    List<String> acknowledged = new ArrayList<>();
    HttpResult refused = null;
    for (int i = 0; i < 40 && refused == null; i++) {
      HttpResult put = http.put("doc-" + i, document);
      if (put.status() == 200) {
        acknowledged.add("doc-" + i);
      } else {
        refused = put;
      }
    }
    assertTrue(refused != null, "40 documents of 900 KB fit in a 16 MiB store");
    assertEquals(503, refused.status(), refused.body());
    assertTrue(refused.json().get("error").asText().contains("store.map-size"), refused.body());
    assertTrue(acknowledged.size() >= 5, "acknowledged before the store filled: " + acknowledged);
    assertEquals(200, http.get(acknowledged.get(0)).status(), "reads go on in a full store");
    assertEquals(200, http.delete(acknowledged.get(0)).status(), "so do deletes, which free space");
    acknowledged.remove(0);

    node.sigterm();
    assertEquals(0, node.waitForExit(Await.GENEROUS));
    Path conf = node.confFile();
    Files.writeString(conf, Files.readString(conf).replace("store.map-size: 16 MiB", "store.map-size: 64 MiB"));
    node.start().awaitRole(Ping.MAIN, Await.GENEROUS);
    for (int i = 100; i < 120; i++) {
      assertEquals(200, http.put("doc-" + i, document).status(), "write " + i + " after the map size was raised");
    }
    for (String name : acknowledged) {
      assertEquals(200, http.get(name).status(), name + " was acknowledged before the store filled");
    }
    assertTrue(node.log().contains("map size 67108864 bytes"), "the store says the size it opened with");
  }
}
