package io.bridgewatch.launcher;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.streams.export.ResultHandler;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the demo has read back from Kafka: node facts, the latest cost windows, recent serving samples and the latest
 * cohort comparisons.
 */
final class FleetView implements ResultHandler {
    private static final int SERVING_SAMPLES_KEPT = 10;

    /** The latest cost window of one node for one (direction, host memory) path. */
    record PathKey(Direction direction, HostMemoryKind memory) {
    }

    private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();
    private final Map<String, Map<PathKey, BridgeCostWindow>> costs = new ConcurrentHashMap<>();
    private final Map<String, Deque<ServingSample>> serving = new ConcurrentHashMap<>();
    private final Map<String, CohortComparison> cohorts = new ConcurrentHashMap<>();

    @Override
    public void node(NodeInfo info) {
        nodes.put(info.getNodeId(), info);
    }

    @Override
    public void cost(BridgeCostWindow window) {
        costs.computeIfAbsent(window.getNodeId(), n -> new ConcurrentHashMap<>())
                .merge(new PathKey(window.getDirection(), window.getHostMemory()), window,
                        (old, fresh) -> fresh.getWindowStartNs() >= old.getWindowStartNs() ? fresh : old);
    }

    @Override
    public synchronized void serving(ServingSample sample) {
        Deque<ServingSample> recent = serving.computeIfAbsent(sample.getNodeId(), n -> new ArrayDeque<>());
        recent.addLast(sample);
        while (recent.size() > SERVING_SAMPLES_KEPT) {
            recent.removeFirst();
        }
    }

    /** Keeps the latest closed window of each (cohort, variant). */
    @Override
    public void cohort(CohortComparison comparison) {
        cohorts.merge(comparison.getCohort() + "\u0000" + comparison.getVariant(), comparison,
                (old, fresh) -> fresh.getWindowStartNs() >= old.getWindowStartNs() ? fresh : old);
    }

    /** The latest comparison of every (cohort, variant), by cohort then variant (reference first). */
    List<CohortComparison> cohorts() {
        return cohorts.values().stream().sorted(java.util.Comparator.comparing(CohortComparison::getCohort)
                .thenComparing(c -> c.getVariant().equals("reference") ? "" : c.getVariant())).toList();
    }

    /** Node facts in node-id order. */
    List<NodeInfo> nodes() {
        return nodes.values().stream().sorted(java.util.Comparator.comparing(NodeInfo::getNodeId)).toList();
    }

    Optional<BridgeCostWindow> latestCost(String node, Direction direction, HostMemoryKind memory) {
        return Optional.ofNullable(costs.getOrDefault(node, Map.of()).get(new PathKey(direction, memory)));
    }

    /** Output tokens per second over the recent serving samples, or empty before any arrived. */
    synchronized Optional<Double> tokensPerSecond(String node) {
        Deque<ServingSample> recent = serving.get(node);
        if (recent == null || recent.isEmpty()) {
            return Optional.empty();
        }
        long tokens = recent.stream().mapToLong(ServingSample::getOutputTokens).sum();
        long span = recent.getLast().getIntervalEndNs() - recent.getFirst().getIntervalStartNs();
        return span <= 0 ? Optional.empty() : Optional.of(tokens * 1e9 / span);
    }
}
