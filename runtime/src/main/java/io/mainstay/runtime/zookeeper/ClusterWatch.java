package io.mainstay.runtime.zookeeper;

import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader retrieval, kept apart from the election: watches the {@code main} record and the live nodes and
 * reports every change as a whole snapshot, so a listener never has to reassemble deltas.
 */
final class ClusterWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);

  private final ZkPaths paths;
  private final CuratorCache mainCache;
  private final CuratorCache nodesCache;
  private final Consumer<CoordinationEvent> listener;

  ClusterWatch(CuratorFramework client, ZkPaths paths, Consumer<CoordinationEvent> listener) {
    this.paths = paths;
    this.listener = listener;
    this.mainCache = CuratorCache.build(client, paths.main(), CuratorCache.Options.SINGLE_NODE_CACHE);
    this.nodesCache = CuratorCache.build(client, paths.nodes());
    mainCache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> reportMain()).forInitialized(this::reportMain).build());
    nodesCache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> reportNodes()).forInitialized(this::reportNodes).build());
  }

  void start() {
    mainCache.start();
    nodesCache.start();
  }

  Optional<MainRecord> currentMain() {
    return mainCache.get(paths.main()).flatMap(data -> decode(data, MainRecord.class));
  }

  private void reportMain() {
    listener.accept(new CoordinationEvent.MainChanged(currentMain()));
  }

  private void reportNodes() {
    List<NodeRecord> nodes =
        nodesCache.stream()
            .filter(data -> data.getPath().startsWith(paths.nodes() + "/"))
            .map(data -> decode(data, NodeRecord.class))
            .flatMap(Optional::stream)
            .sorted(Comparator.comparing(NodeRecord::node))
            .toList();
    listener.accept(new CoordinationEvent.NodesChanged(nodes));
  }

  private static <T> Optional<T> decode(ChildData data, Class<T> type) {
    if (data.getData() == null || data.getData().length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZkJson.read(data.getData(), type));
    } catch (RuntimeException e) {
      log.warn("ignoring unreadable record at {}: {}", data.getPath(), e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    mainCache.close();
    nodesCache.close();
  }
}
