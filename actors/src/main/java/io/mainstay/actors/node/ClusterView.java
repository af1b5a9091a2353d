package io.mainstay.actors.node;

import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.extension.ServiceBoard;
import java.util.List;
import java.util.Optional;

/**
 * What /api/v1/cluster shows: this node's status and extensions, and the main's executors or why they are
 * missing.
 */
public record ClusterView(
    NodeStatus status,
    Optional<ExecutorRegistry.ExecutorList> executors,
    Optional<String> executorsError,
    List<ServiceBoard.ExtensionState> extensions) {}
