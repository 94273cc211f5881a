package io.bridgewatch.launcher.bench;

import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.BridgeTopology;
import io.bridgewatch.streams.TopologyConfig;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.Topology;

/**
 * A topology under test: how to build it, where its per-node window results go and how to read a result's window
 * end (a window's result is due once event time passes its end plus the grace).
 */
record Candidate(String name, Supplier<Topology> topology, String resultTopic, ToLongFunction<byte[]> windowEndMs,
        long graceMs) {

    static Candidate minimal() {
        TopologyConfig defaults = TopologyConfig.DEFAULTS;
        return new Candidate("minimal windowed count",
                () -> MinimalTopology.build(defaults.nodeWindow(), defaults.grace()), MinimalTopology.OUTPUT,
                value -> Long.parseLong(new String(value, StandardCharsets.UTF_8).split(",")[0]),
                defaults.grace().toMillis());
    }

    static Candidate bridgewatch() {
        TopologyConfig defaults = TopologyConfig.DEFAULTS;
        return new Candidate("bridgewatch topology", () -> BridgeTopology.build(defaults), Topics.BRIDGE_COST,
                value -> BridgewatchSerdes.bridgeCostWindow().deserialize(Topics.BRIDGE_COST, value)
                        .getWindowEndNs() / 1_000_000L,
                defaults.grace().toMillis());
    }
}
