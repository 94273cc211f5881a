package io.bridgewatch.launcher.service;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.CollectorStats;
import io.bridgewatch.config.StartupException;
import io.bridgewatch.launcher.DurationConverter;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.Scenario;
import io.bridgewatch.simulator.ScenarioException;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.simulator.SimulatedFleet;
import io.bridgewatch.streams.service.StreamsService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bridgewatch simulate}: the simulated fleet as a process of its own, one collector per node. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulates a fleet of CVM+GPU nodes and produces their events through one collector per node"
                + " to a Kafka cluster, until the duration has passed or it is stopped (SIGTERM, Ctrl-C): a load"
                + " for the streams instances, e.g. in docker-compose.",
        footer = ServiceMain.EXIT_CODES)
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, description = "The Kafka cluster.")
    String bootstrapServers;

    @Option(names = "--scenario", description = "Scenario YAML file; default: the built-in 12-node H200 fleet.")
    Path scenario;

    @Option(names = "--duration", defaultValue = "365d", converter = DurationConverter.class,
            description = "Simulated time to run (default: ${DEFAULT-VALUE}, i.e. until stopped).")
    Duration duration;

    @Option(names = "--virtual-time", description = "Simulate as fast as possible instead of in real time.")
    boolean virtualTime;

    @Option(names = "--pace-group", paramLabel = "APPLICATION_ID",
            description = "With --virtual-time: wait each simulated second until this streams application has read"
                    + " nearly everything (its consumer-group lag), so its partitions advance together.")
    String paceGroup;

    @Option(names = "--metrics-port", defaultValue = "0",
            description = "Serve the collectors' metrics for Prometheus on this port (default: ${DEFAULT-VALUE}, off).")
    int metricsPort;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Address of that endpoint.")
    String metricsHost;

    @Override
    public Integer call() throws Exception {
        Scenario fleet;
        MetricsEndpoint metrics;
        try {
            fleet = scenario == null ? ScenarioLoader.loadDefault() : ScenarioLoader.load(scenario);
            metrics = MetricsEndpoint.serve(metricsHost, metricsPort);
        } catch (ScenarioException | StartupException e) {
            return ServiceMain.startFailure("simulate", e);
        }
        AtomicBoolean stopping = new AtomicBoolean();
        FleetSimulator.Pacing pacing = virtualTime ? FleetSimulator.Pacing.LOCKSTEP : FleetSimulator.Pacing.REAL_TIME;
        try (metrics;
                ConsumerGroupLag lag = paceGroup == null ? null
                        : new ConsumerGroupLag(bootstrapServers, paceGroup, StreamsService.INPUT_TOPICS);
                SimulatedFleet simulated = new SimulatedFleet(fleet, System.currentTimeMillis() * 1_000_000L,
                        CollectorConfig.defaults(bootstrapServers, "bridgewatch-simulator"),
                        metrics.meter("bridgewatch-simulator"))) {
            System.out.println("Simulating " + simulated.nodeCount() + " nodes into " + bootstrapServers + " ("
                    + (virtualTime ? "virtual time" : "real time") + ")");
            return ServiceMain.runUntilStopped("simulate", () -> {
                simulated.run(duration, pacing, lag, () -> !stopping.get());
                simulated.close();
                CollectorStats stats = simulated.stats();
                System.out.println("Simulation ended: " + stats.sent() + " events sent, " + stats.dropped()
                        + " dropped, " + stats.failed() + " failed");
                return stats.failed() > 0 ? ServiceMain.FAILED : ServiceMain.OK;
            }, () -> stopping.set(true));
        }
    }
}
