package io.bridgewatch.launcher;

import io.bridgewatch.collector.sim.FleetSimulator;
import io.bridgewatch.collector.sim.Scenario;
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
 */
record DemoSettings(String bootstrapServers, Scenario scenario, Duration duration, FleetSimulator.Pacing pacing,
        Duration refresh, long startEpochNs, TopologyConfig topology) {
}
