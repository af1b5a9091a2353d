package io.mainstay.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.mainstay.actors.node.NodeIdentity;
import io.mainstay.actors.node.NodeLifecycle;
import io.mainstay.actors.node.NodeSupervisor;
import io.mainstay.runtime.cluster.PekkoClusterJoin;
import io.mainstay.runtime.config.ConfigProblem;
import io.mainstay.runtime.config.LocalPath;
import io.mainstay.runtime.config.NodeConfig;
import io.mainstay.runtime.config.NodeConfigLoader;
import io.mainstay.runtime.http.WebServer;
import io.mainstay.runtime.process.LocalProcesses;
import io.mainstay.runtime.zookeeper.CuratorCoordination;
import io.mainstay.runtime.zookeeper.EmbeddedZooKeeper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import io.mainstay.actors.extension.Extensions;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import io.mainstay.actors.supervision.ServiceSupervisor;
import io.mainstay.extension.Extension;
import io.mainstay.runtime.extension.ExtensionLoader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The Mainstay node process: {@code MainstayNode --conf DIR}. Configuration is checked before any port is
 * bound; then the embedded ZooKeeper (if enabled), the actor system with the node supervisor as its
 * guardian, and the web port of a coordinator.
 */
public final class MainstayNode {

  private static final Logger log = LoggerFactory.getLogger(MainstayNode.class);

  /** bin/mainstay waits for this text in the log to know the node is up. */
  static final String STARTED_MARKER = "Mainstay node started";

  private final NodeConfig config;
  private final List<Extension> extensions;
  /** Sees the extensions' jars: Pekko loads their message classes through it. */
  private final ClassLoader classLoader;
  private final ProcessExit lifecycle = new ProcessExit();

  private MainstayNode(NodeConfig config, List<Extension> extensions, ClassLoader classLoader) {
    this.config = config;
    this.extensions = List.copyOf(extensions);
    this.classLoader = classLoader;
  }

  public static void main(String[] args) {
    Path confDir;
    try {
      confDir = confDir(args);
    } catch (IllegalArgumentException e) {
      System.err.println("mainstay: " + e.getMessage());
      System.err.println("usage: MainstayNode [--conf DIR]");
      ProcessExit.exitNow(NodeLifecycle.EXIT_BAD_CONFIGURATION);
      return;
    }
    NodeConfigLoader.Loaded loaded;
    try {
      loaded = NodeConfigLoader.load(confDir);
      LocalPath.prepare(loaded.config().localPath());
    } catch (ConfigProblem problem) {
      String line = "configuration error: " + problem.getMessage();
      System.err.println("mainstay: " + line);
      log.error(line);
      ProcessExit.exitNow(NodeLifecycle.EXIT_BAD_CONFIGURATION);
      return;
    }
    loaded.warnings().forEach(warning -> log.warn("configuration: {}", warning));
    ExtensionLoader.Found extensions;
    try {
      extensions = ExtensionLoader.load(
          MainstayNode.class.getClassLoader(),
          shippedExtensions(loaded.config().extensions().examples()),
          loaded.config().extensions().dir(),
          loaded.config().extensions().disabled());
    } catch (ExtensionLoader.ExtensionProblem problem) {
      String line = "extension error: " + problem.getMessage();
      System.err.println("mainstay: " + line);
      log.error(line);
      ProcessExit.exitNow(NodeLifecycle.EXIT_BAD_CONFIGURATION);
      return;
    }
    new MainstayNode(
            loaded.config(),
            extensions.extensions().stream().map(ExtensionLoader.LoadedExtension::extension).toList(),
            extensions.classLoader())
        .start();
  }

  /**
   * The distribution's {@code lib/ext/}, and {@code lib/examples/} when {@code extensions.examples} is on:
   * beside the node's own jar (in a build tree, under runtime/target/dist/lib/). None when the node runs from
   * classes (tests).
   */
  private static List<Path> shippedExtensions(boolean examples) {
    try {
      Path code = Path.of(MainstayNode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(code)) {
        return List.of();
      }
      return examples ? List.of(code.resolveSibling("ext"), code.resolveSibling("examples")) : List.of(code.resolveSibling("ext"));
    } catch (URISyntaxException | RuntimeException e) {
      return List.of();
    }
  }

  private static Path confDir(String[] args) {
    if (args.length == 0) {
      String home = System.getProperty(NodeConfigLoader.HOME_PROPERTY, ".");
      return Path.of(home, "conf");
    }
    if (args.length == 2 && args[0].equals("--conf")) {
      return Path.of(args[1]);
    }
    throw new IllegalArgumentException("unexpected arguments: " + String.join(" ", args));
  }

  private void start() {
    log.info("starting {}", config.summary());
    try {
      if (config.embeddedZooKeeper()) {
        EmbeddedZooKeeper.start(
            config.localPath().resolve("zk"), config.embeddedZooKeeperPort(), config.zkSessionTimeout());
      }
      ActorSystem<NodeSupervisor.Command> system = ActorSystem.create(
              guardian(),
              "mainstay",
              ActorSystemSetup.create(BootstrapSetup.create().withClassloader(classLoader).withConfig(pekkoConfig())));
      if (config.coordinator()) {
        WebServer.bind(system, system.narrow(), config.webPort(), WebServer.Settings.defaults(), extensions)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      }
      system.getWhenTerminated().thenRun(() -> lifecycle.actorSystemTerminated(config.nodeName()));
      Signal.handle(new Signal("TERM"), signal -> system.tell(new NodeSupervisor.GracefulStop()));
      Signal.handle(new Signal("INT"), signal -> system.tell(new NodeSupervisor.GracefulStop()));
      writeUrlFile();
      log.info(
          "{}: node {}, pekko address {}{}",
          STARTED_MARKER,
          config.nodeName(),
          system.address(),
          config.coordinator() ? ", web " + config.webUrl() : "");
    } catch (Exception | LinkageError e) {
      lifecycle.exit(NodeLifecycle.EXIT_FAILURE, "node " + config.nodeName() + " could not start: " + rootCause(e));
    }
  }

  private Behavior<NodeSupervisor.Command> guardian() {
    return Behaviors.setup(
        ctx -> {
          NodeIdentity identity =
              new NodeIdentity(
                  config.nodeName(),
                  config.nodeHost(),
                  webUrl(),
                  ctx.getSystem().address().toString(),
                  config.roles(),
                  config.localPath(),
                  config.executorSlots(),
                  LocalProcesses.current());
          CuratorCoordination coordination =
              new CuratorCoordination(
                  config.zookeeper(),
                  config.zkRoot(),
                  identity.record(),
                  config.zkSessionTimeout(),
                  new PekkoClusterJoin(ctx.getSystem(), config.nodeName())::join);
          NodeSupervisor.Settings settings =
              NodeSupervisor.Settings.defaults()
                  .withExtensions(new Extensions(extensions, config.supervision(), config.resolved()))
                  .withStoreMapSize(config.storeMapSize());
          return NodeSupervisor.create(identity, coordination, lifecycle, settings);
        });
  }

  private String webUrl() {
    return config.coordinator() ? config.webUrl() : null;
  }

  private Config pekkoConfig() {
    return config
        .pekkoOverrides()
        .withFallback(
            ConfigFactory.empty()
                .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(config.nodeHost()))
                .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(config.fabricPort()))
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(config.roles())))
        .withFallback(ConfigFactory.parseResources("mainstay-pekko.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** bin/mainstay status reads where to ping from here. */
  private void writeUrlFile() throws IOException {
    String pidDir = System.getProperty("mainstay.pid.dir");
    String instance = System.getProperty("mainstay.instance");
    if (pidDir != null && instance != null && config.coordinator()) {
      Files.writeString(Path.of(pidDir, instance + ".url"), config.webUrl() + "\n", StandardCharsets.UTF_8);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.toString();
  }
}
