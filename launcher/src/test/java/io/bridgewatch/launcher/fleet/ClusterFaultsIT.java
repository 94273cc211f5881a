package io.bridgewatch.launcher.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.CollectorStats;
import io.bridgewatch.launcher.query.PushStream;
import io.bridgewatch.launcher.service.ConsumerGroupLag;
import io.bridgewatch.launcher.trace.EndOfInputWatermark;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.simulator.SimulatedFleet;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.offline.EndOfInput;
import io.bridgewatch.streams.offline.OfflinePipeline;
import io.bridgewatch.streams.service.StreamsService;
import io.opentelemetry.api.OpenTelemetry;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * Faults on a three-broker cluster in containers (Testcontainers): while spooling collectors produce the seeded fleet
 * and two streams instances process it, one broker is killed ({@code kill -9} of its container) and started again,
 * another is paused (cut off) and resumed, then all three are paused: the whole cluster unreachable. Then:
 * <ul>
 *   <li>the input topics hold exactly the events the fleet sent, per node and topic in the order sent (nothing lost,
 *       nothing twice, the collectors' spools resent in order);
 *   <li>the result windows are exactly those of an offline run ({@link OfflinePipeline}, what {@code analyze} runs)
 *       over the same events, none twice, none missing, values equal except the order-sensitive figures.
 * </ul>
 * The broker faults are placed by the pipeline's progress (the latest closed window a push query sees), so that
 * each hits a running pipeline however fast the machine is; through the outage the fleet produces live. The cut-off and the outage last {@code -Dbridgewatch.pause.seconds}
 * (20) and {@code -Dbridgewatch.outage.seconds} (30). Skipped, saying why, without a container engine.
 */
class ClusterFaultsIT {
    private static final String APPLICATION = "faults";
    private static final long PAUSE_SECONDS = Long.getLong("bridgewatch.pause.seconds", 20);
    private static final long OUTAGE_SECONDS = Long.getLong("bridgewatch.outage.seconds", 30);
    /** Replayed in lockstep with the pipeline before the outage, and after it. */
    private static final Duration BEFORE_OUTAGE = Duration.ofSeconds(80);
    private static final Duration AFTER_OUTAGE = Duration.ofSeconds(40);
    private static final Duration FLEET = BEFORE_OUTAGE.plusSeconds(OUTAGE_SECONDS).plus(AFTER_OUTAGE);
    /**
     * After an outage each node's collector resends its spool at its own pace, and nodes that share a partition fall
     * behind each other by up to the outage: the node silence (how far behind a node's windows wait for it) is set
     * above it, as an operator riding out outages that long would (window.node.silence.ms).
     */
    private static final TopologyConfig TOPOLOGY = TopologyConfig.DEFAULTS.withNodeSilence(Duration.ofSeconds(
            Math.max(TopologyConfig.DEFAULT_NODE_SILENCE.toSeconds(), OUTAGE_SECONDS + 120)));
    /** The fleet starts at this minute. */
    private static final long START_NS = System.currentTimeMillis() / 60_000 * 60_000 * 1_000_000L;
    private static final long S = 1_000_000_000L;
    /** The latest closed cost window a push query on the cluster has seen (before any: the window before the first). */
    private static final AtomicLong LATEST_CLOSED = new AtomicLong(START_NS - 10 * S);
    private static final List<String> FAULTS = new CopyOnWriteArrayList<>();
    /** Events the collectors held unacknowledged (spooled) at the end of the outage. */
    private static final AtomicLong SPOOLED_AT_OUTAGE_END = new AtomicLong(-1);

    @BeforeAll
    static void requireAContainerEngine() {
        String reason = null;
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            reason = "no container engine (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + "; .ci/run starts podman's)";
        } else if (!commandExists("podman")) {
            reason = "podman is needed to build the broker image";
        } else if (!Files.isDirectory(Path.of(System.getProperty("java.home"), "jmods"))
                || !Files.isExecutable(Path.of("/bin/busybox"))) {
            reason = "building the broker image needs this JDK's jmods (jlink) and a static /bin/busybox";
        }
        if (reason != null) {
            System.err.println("*** ClusterFaultsIT SKIPPED: " + reason + " ***");
            Assumptions.abort(reason);
        }
    }

    @Test
    void shouldLoseRepeatAndReorderNothingThroughABrokerKillACutOffAndAClusterOutage() throws Exception {
        FleetInput sent;
        ResultRows offline;
        try (OfflinePipeline pipeline = new OfflinePipeline(TOPOLOGY)) {
            sent = FleetInput.seededFleet(START_NS, FLEET, pipeline);
            offline = ResultRows.of(pipeline.finish());
        }
        FleetInput stored;
        ResultRows faulty;
        Map<String, Long> deadLetters;
        long startedMs = System.currentTimeMillis();
        try (ContainerCluster cluster = ContainerCluster.start()) {
            run(cluster);
            stored = FleetInput.onTopics(cluster.bootstrapServers());
            faulty = ResultRows.read(cluster.bootstrapServers(), Map.of(),
                    ResultRows.endOffsets(cluster.bootstrapServers()));
            List<String> examples = new java.util.ArrayList<>();
            deadLetters = DeadLetters.countByStage(cluster.bootstrapServers(), examples);
            examples.forEach(e -> System.out.println("cluster faults: dead letter " + e));
        }
        System.out.printf("cluster faults: %s; %d s in all%n", FAULTS,
                (System.currentTimeMillis() - startedMs) / 1000);
        System.out.printf("cluster faults: %d events sent, %d on the input topics; dead letters %s%n", sent.size(),
                stored.size(), deadLetters);
        assertThat(FAULTS).as("every fault hit the running pipeline").hasSize(3);
        assertThat(SPOOLED_AT_OUTAGE_END.get()).as("events spooled through the outage").isPositive();
        assertThat(stored.byNodeAndTopic.keySet()).isEqualTo(sent.byNodeAndTopic.keySet());
        sent.byNodeAndTopic.forEach((key, events) -> {
            FleetInput.Events got = stored.byNodeAndTopic.get(key);
            assertThat(got.firstDifference(events)).as("%s: %d sent, %d stored: every event once, in the order sent",
                    key, events.size(), got.size()).isEqualTo(-1);
        });

        Set<String> missing = new TreeSet<>(offline.rows.keySet());
        missing.removeAll(faulty.rows.keySet());
        Set<String> extra = new TreeSet<>(faulty.rows.keySet());
        extra.removeAll(offline.rows.keySet());
        Set<String> twice = new TreeSet<>(faulty.duplicates);
        Map<String, Set<String>> differences = ResultRows.differences(offline.rows, faulty.rows);
        System.out.printf("cluster faults: %d result rows offline, %d through the faults: %d missing, %d extra,"
                + " %d twice, %d differ%n", offline.rows.size(), faulty.rows.size(), missing.size(), extra.size(),
                twice.size(), differences.size());
        System.out.println("cluster faults: missing " + first(missing) + "; extra " + first(extra) + "; twice "
                + first(twice) + "; differ " + first(differences.entrySet()));
        differences.keySet().stream().limit(3).forEach(k -> System.out.println("cluster faults: differs: offline "
                + offline.rows.get(k) + " faulty " + faulty.rows.get(k)));
        assertThat(deadLetters).as("no event late for its window").doesNotContainKey("late");
        assertThat(offline.rows).hasSizeGreaterThan(500);
        assertThat(twice).as("no result window twice").isEmpty();
        assertThat(missing).as("no result window lost").isEmpty();
        assertThat(extra).as("no result window the offline run lacks").isEmpty();
        // A node's copies and kernels travel in one sequence (node event batches): through every fault each window
        // sees them in the order the offline run does, so every figure is the offline run's.
        assertThat(differences).as("every result window equal to the offline run's").isEmpty();
    }

    /**
     * The fleet through spooling collectors and two streams instances: 80 s replayed in lockstep with the pipeline
     * (broker 2 killed once 20 s of windows have closed and started 20 s later, broker 3 cut off at 50 s), then every
     * broker cut off while the fleet goes on live (one simulated second per second, into the collectors' spools),
     * then 40 s more in lockstep.
     */
    private static void run(ContainerCluster cluster) throws Exception {
        String bootstrap = cluster.bootstrapServers();
        FleetRuns.createTopics(bootstrap, 3);
        List<StreamsService> instances = FleetRuns.startInstances(bootstrap, APPLICATION, 2, 1, TOPOLOGY);
        // The lockstep replay waits for Kafka's acknowledgements every simulated second (EventSink.flush): 2 s at most
        // here, so that a fault does not hold the fleet up for long.
        CollectorConfig collectors = new CollectorConfig(bootstrap, CollectorConfig.DEFAULT_QUEUE_CAPACITY,
                Duration.ofSeconds(2), "faults-fleet").withSpool(
                CollectorConfig.Spool.of(Files.createTempDirectory("bw-faults-spool-"), 256L << 20));
        AtomicBoolean producing = new AtomicBoolean(true);
        try (PushStream progress = PushStream.open(HttpClient.newHttpClient(), instances.get(0).queryUrl(),
                        "SELECT window_start_ns FROM cost EMIT CHANGES",
                        row -> LATEST_CLOSED.accumulateAndGet(row.get(0).asLong(), Math::max));
                ConsumerGroupLag lag = new ConsumerGroupLag(bootstrap, APPLICATION, StreamsService.INPUT_TOPICS);
                SimulatedFleet fleet = new SimulatedFleet(ScenarioLoader.loadDefault(), START_NS, collectors,
                        OpenTelemetry.noop().getMeter("it"))) {
            Thread faults = new Thread(() -> killAndCutOffABroker(cluster, producing), "fault-injector");
            faults.start();
            fleet.run(BEFORE_OUTAGE, FleetSimulator.Pacing.LOCKSTEP, lag, () -> true);
            producing.set(false);
            faults.join();

            for (int broker = 0; broker < 3; broker++) {
                cluster.pause(broker);
            }
            FAULTS.add("all brokers cut off for " + OUTAGE_SECONDS + " s at " + progress() + " s");
            fleet.run(Duration.ofSeconds(OUTAGE_SECONDS), FleetSimulator.Pacing.REAL_TIME, null, () -> true);
            SPOOLED_AT_OUTAGE_END.set(fleet.stats().unacknowledged());
            for (int broker = 0; broker < 3; broker++) {
                cluster.resume(broker);
            }
            long resumedNs = System.nanoTime();
            System.out.println("cluster faults: " + SPOOLED_AT_OUTAGE_END.get()
                    + " events spooled, unacknowledged, when the outage ended");

            fleet.run(AFTER_OUTAGE, FleetSimulator.Pacing.LOCKSTEP, lag, () -> true);
            awaitDelivered(fleet, Duration.ofMinutes(10));
            System.out.printf("cluster faults: the collectors delivered everything %d s after the outage%n",
                    (System.nanoTime() - resumedNs) / S);
            fleet.close();
            // The watermark's first instant closes the nodes' windows; only once every task has processed it (their
            // last results are in the cohort stage) does the second close the cohort windows, or a fast task's
            // watermark results would make a slow task's last node results late for their cohort.
            long[] watermark = EndOfInput.instantsMs(TOPOLOGY, (START_NS + FLEET.toNanos()) / 1_000_000L);
            FleetRuns.awaitCaughtUp(bootstrap, APPLICATION, Duration.ofMinutes(10));
            EndOfInputWatermark.send(bootstrap, new long[] {watermark[0]});
            FleetRuns.awaitCaughtUp(bootstrap, APPLICATION, Duration.ofMinutes(10));
            EndOfInputWatermark.send(bootstrap, new long[] {watermark[1]});
            FleetRuns.awaitCaughtUp(bootstrap, APPLICATION, Duration.ofMinutes(10));
            System.out.printf("cluster faults: the streams-app caught up %d s after the outage%n",
                    (System.nanoTime() - resumedNs) / S);
        } finally {
            instances.forEach(StreamsService::close);
        }
    }

    private static void killAndCutOffABroker(ContainerCluster cluster, AtomicBoolean producing) {
        try {
            if (!awaitProgress(20, producing)) {
                return;
            }
            cluster.kill(1);
            FAULTS.add("broker 2 killed at " + progress() + " s");
            TimeUnit.SECONDS.sleep(20);
            cluster.restart(1);
            cluster.awaitBrokers(3, Duration.ofMinutes(2));
            if (!awaitProgress(50, producing)) {
                return;
            }
            cluster.pause(2);
            FAULTS.add("broker 3 cut off for " + PAUSE_SECONDS + " s at " + progress() + " s");
            TimeUnit.SECONDS.sleep(PAUSE_SECONDS);
            cluster.resume(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until windows up to {@code seconds} into the fleet have closed; false if the fleet ended first. */
    private static boolean awaitProgress(long seconds, AtomicBoolean producing) throws InterruptedException {
        while (LATEST_CLOSED.get() < START_NS + seconds * S) {
            if (!producing.get()) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return true;
    }

    private static long progress() {
        return (LATEST_CLOSED.get() - START_NS) / S;
    }

    /** Waits until Kafka has acknowledged everything the collectors took (their spools are empty). */
    private static void awaitDelivered(SimulatedFleet fleet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CollectorStats stats = fleet.stats();
        while (stats.unacknowledged() > 0 || stats.queueDepth() > 0) {
            assertThat(System.nanoTime()).as("the collectors delivered within %s: %s", timeout, stats)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
            stats = fleet.stats();
        }
    }

    private static String first(java.util.Collection<?> items) {
        return items.stream().limit(12).map(String::valueOf).toList() + (items.size() > 12 ? " ..." : "");
    }

    private static boolean commandExists(String command) {
        try {
            return new ProcessBuilder(command, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
