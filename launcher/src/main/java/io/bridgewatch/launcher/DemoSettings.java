package io.bridgewatch.launcher;

import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.Scenario;
import io.bridgewatch.streams.TopologyConfig;
import java.time.Duration;

/**
 * What one demo run does.
 *
 * @param bootstrapServers an existing cluster, or null to start the embedded broker
 * @param duration simulated time to run; the run stops by itself after it
 * @param refresh how often the table is printed
 * @param startEpochNs simulated time of the first event, nanoseconds since the epoch
 * @param topology the streams-app's topology settings (windows, grace, reference baseline)
 * @param streamsInstances streams-app instances sharing the work (one standby replica each when more than one)
 * @param partitions partitions of the topics it creates
 * @param httpPort query API port of the first instance, the next ones counting up (0: any free ports)
 */
record DemoSettings(String bootstrapServers, Scenario scenario, Duration duration, FleetSimulator.Pacing pacing,
        Duration refresh, long startEpochNs, TopologyConfig topology, int streamsInstances, int partitions,
        int httpPort) {
    DemoSettings {
        if (streamsInstances < 1) {
            throw new IllegalArgumentException("--streams-instances must be at least 1, got " + streamsInstances);
        }
    }

    /** One instance, the default partitions, query ports chosen freely: what tests use. */
    DemoSettings(String bootstrapServers, Scenario scenario, Duration duration, FleetSimulator.Pacing pacing,
            Duration refresh, long startEpochNs, TopologyConfig topology) {
        this(bootstrapServers, scenario, duration, pacing, refresh, startEpochNs, topology, 1,
                io.bridgewatch.schema.topics.Topics.DEFAULT_PARTITIONS, 0);
    }
}
