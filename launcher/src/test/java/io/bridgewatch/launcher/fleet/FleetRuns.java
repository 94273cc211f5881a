package io.bridgewatch.launcher.fleet;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.launcher.service.ConsumerGroupLag;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.simulator.SimulatedFleet;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.service.StreamsService;
import io.bridgewatch.streams.service.StreamsServiceConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** The vocabulary of the fleet-service tests: a seeded fleet's input, streams instances, waiting for them. */
final class FleetRuns {
    /**
     * The seeded fleet's first event: the start of the current minute, so that windows align with it and the
     * topics' retention (days, by record time) keeps what the tests produce.
     */
    static final long START_NS = System.currentTimeMillis() / 60_000 * 60_000 * 1_000_000L;
    static final int PARTITIONS = 12;

    private FleetRuns() {
    }

    static void createTopics(String bootstrapServers) {
        createTopics(bootstrapServers, 1);
    }

    /** The topics, each partition on {@code replication} brokers. */
    static void createTopics(String bootstrapServers, int replication) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            new TopicProvisioner(admin, (short) replication).ensure(Topics.all(PARTITIONS));
        }
    }

    /**
     * Produces the default scenario's first {@code duration} of events (the same events on every call), each
     * simulated second waiting until the application has nearly caught up: all partitions then advance together in
     * event time, as live nodes do, and cohort windows, which gather every partition, see no late inputs.
     */
    static long produceFleet(String bootstrapServers, Duration duration, String pacingApplication)
            throws InterruptedException {
        return produceFleet(bootstrapServers, START_NS, duration, pacingApplication);
    }

    /** {@link #produceFleet(String, Duration, String)} from another first event time. */
    static long produceFleet(String bootstrapServers, long startNs, Duration duration, String pacingApplication)
            throws InterruptedException {
        try (SimulatedFleet fleet = new SimulatedFleet(ScenarioLoader.loadDefault(), startNs,
                CollectorConfig.defaults(bootstrapServers, "it-fleet"), OpenTelemetry.noop().getMeter("it"));
                ConsumerGroupLag lag = new ConsumerGroupLag(bootstrapServers, pacingApplication,
                        StreamsService.INPUT_TOPICS)) {
            fleet.run(duration, FleetSimulator.Pacing.LOCKSTEP, lag, () -> true);
            fleet.close();
            return fleet.stats().sent();
        }
    }

    /** Starts {@code count} instances of one application in this process, each on a free query port. */
    static List<StreamsService> startInstances(String bootstrapServers, String applicationId, int count,
            int standbys) {
        return startInstances(bootstrapServers, applicationId, count, standbys, TopologyConfig.DEFAULTS);
    }

    static List<StreamsService> startInstances(String bootstrapServers, String applicationId, int count,
            int standbys, TopologyConfig topology) {
        List<StreamsService> instances = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StreamsAppConfig app;
            try {
                app = new StreamsAppConfig(bootstrapServers, applicationId, Files.createTempDirectory("bw-it-"), 1,
                        topology);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            StreamsService instance = new StreamsService(StreamsServiceConfig.of(app, PARTITIONS, standbys,
                    "127.0.0.1", 0), OpenTelemetry.noop().getMeter("it"), Clock.systemUTC());
            instance.start();
            instances.add(instance);
        }
        return instances;
    }

    /** The topics an application reads: the inputs and its repartition topics. */
    static Set<String> consumedTopics(String applicationId) {
        Set<String> topics = new HashSet<>(StreamsService.INPUT_TOPICS);
        topics.add(applicationId + "-cohort-inputs-repartition");
        topics.add(applicationId + "-toll-baselines-repartition");
        return topics;
    }

    /** The lag, or -1 while it cannot be read (e.g. the repartition topics do not exist yet). */
    private static long lagOrUnknown(ConsumerGroupLag lag) throws InterruptedException {
        try {
            return lag.lag();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1;
        }
    }

    /** Waits until the application has committed everything it reads twice in a row, a second apart. */
    static void awaitCaughtUp(String bootstrapServers, String applicationId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ConsumerGroupLag lag = new ConsumerGroupLag(bootstrapServers, applicationId,
                consumedTopics(applicationId))) {
            int settled = 0;
            while (settled < 2) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(applicationId + " did not catch up within " + timeout + " (lag "
                            + lagOrUnknown(lag) + ")");
                }
                settled = lagOrUnknown(lag) == 0 ? settled + 1 : 0;
                TimeUnit.SECONDS.sleep(1);
            }
        }
    }
}
