package io.mainstay.testkit.localcluster;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.node.Ping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;

/** The coordinators of the work dir, reached over HTTP: which one is the main, and waiting for one. */
final class Coordinators {

  /** The coordinator whose {@code GET /ping} answered 200 as main. */
  record Main(String node, String url, Ping ping) {}

  private final WorkDir work;
  private final LocalClusterSettings settings;

  Coordinators(WorkDir work, LocalClusterSettings settings) {
    this.work = work;
    this.settings = settings;
  }

  /** Its web URL: the url file the node writes once it is up, else the port up gave it. */
  String url(String node) {
    try {
      String url = Files.readString(work.urlFile(node), StandardCharsets.UTF_8).trim();
      if (!url.isEmpty()) {
        return url;
      }
    } catch (IOException e) {
      // not up yet, or not running: fall back to the configured port
    }
    return "http://" + Loopback.HOST + ":" + (settings.webPort() + NodeName.number(node) - 1);
  }

  Optional<Main> main() {
    for (String node : work.coordinators()) {
      String url = url(node);
      Ping ping = Ping.of(new NodeHttp(url).ping());
      if (ping.isMain()) {
        return Optional.of(new Main(node, url, ping));
      }
    }
    return Optional.empty();
  }

  /** Waits up to {@code deadline} for a main other than {@code except} (null: any). */
  Optional<Main> awaitMain(String except, Duration deadline) {
    try {
      return Optional.of(Await.value("a main other than " + except, deadline,
          () -> main().filter(found -> !found.node().equals(except)).orElse(null)));
    } catch (AssertionError e) {
      return Optional.empty();
    }
  }
}
