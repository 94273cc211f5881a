package io.bridgewatch.schema.topics;

import java.util.List;
import java.util.Map;

/**
 * The topic contract: every Bridgewatch topic, named {@code bridgewatch.<name>.v1}, keyed by node id so that one
 * node's events stay in order in one partition.
 */
public final class Topics {
    public static final String NODES = "bridgewatch.nodes.v1";
    public static final String CROSSINGS = "bridgewatch.crossings.v1";
    public static final String KERNELS = "bridgewatch.kernels.v1";
    public static final String SERVING = "bridgewatch.serving.v1";
    /** Crossings, kernels and serving samples of a node, many to a record, in host order (NodeEventBatch). */
    public static final String NODE_EVENTS = "bridgewatch.node-events.v1";
    public static final String BRIDGE_COST = "bridgewatch.bridge-cost.v1";
    public static final String CONCURRENCY = "bridgewatch.concurrency.v1";
    public static final String MITIGATION = "bridgewatch.mitigation.v1";
    public static final String PHASES = "bridgewatch.phases.v1";
    public static final String COMPUTE_PARITY = "bridgewatch.compute-parity.v1";
    public static final String ALERTS = "bridgewatch.alerts.v1";
    public static final String DLQ = "bridgewatch.dlq.v1";

    /** Partitions of event topics by default: streams-app instances scale out up to this number. */
    public static final int DEFAULT_PARTITIONS = 6;

    private static final String SEVEN_DAYS_MS = Long.toString(7L * 24 * 3600 * 1000);
    private static final String THIRTY_DAYS_MS = Long.toString(30L * 24 * 3600 * 1000);

    private Topics() {
    }

    /**
     * Every topic with its settings. Node facts are compacted (latest per node wins); events keep seven days for
     * replay; results and dead letters keep thirty days for investigation.
     */
    public static List<TopicSpec> all(int partitions) {
        Map<String, String> events = Map.of("cleanup.policy", "delete", "retention.ms", SEVEN_DAYS_MS,
                "compression.type", "producer");
        Map<String, String> results = Map.of("cleanup.policy", "delete", "retention.ms", THIRTY_DAYS_MS);
        return List.of(
                new TopicSpec(NODES, partitions, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")),
                new TopicSpec(CROSSINGS, partitions, events),
                new TopicSpec(KERNELS, partitions, events),
                new TopicSpec(SERVING, partitions, events),
                new TopicSpec(NODE_EVENTS, partitions, events),
                new TopicSpec(BRIDGE_COST, partitions, results),
                new TopicSpec(CONCURRENCY, partitions, results),
                new TopicSpec(MITIGATION, partitions, results),
                new TopicSpec(PHASES, partitions, results),
                new TopicSpec(COMPUTE_PARITY, partitions, results),
                new TopicSpec(ALERTS, partitions, results),
                new TopicSpec(DLQ, partitions, results));
    }
}
