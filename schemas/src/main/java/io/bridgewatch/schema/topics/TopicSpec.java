package io.bridgewatch.schema.topics;

import java.util.Map;

/** A topic's name, partition count and topic-level configuration. */
public record TopicSpec(String name, int partitions, Map<String, String> config) {
    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        config = Map.copyOf(config);
    }
}
