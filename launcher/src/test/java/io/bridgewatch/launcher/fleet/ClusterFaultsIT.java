package io.bridgewatch.launcher.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.streams.service.StreamsService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * Broker faults on a three-broker cluster in containers (Testcontainers): while collectors produce the seeded fleet
 * and two streams instances process it, one broker is killed ({@code kill -9} of its container) and started again,
 * then another is paused (cut off) and resumed. The result windows must be those of the same fleet on a healthy
 * broker, none twice. KNOWN BUG (README, "Faults"): a node window open at a fault can be missing, as after an
 * instance kill (FailoverIT), and the window after it can count other events; the test allows exactly those windows
 * (within 30 s after the latest closed one at a fault) and prints them. Skipped, saying why, without a container
 * engine.
 */
class ClusterFaultsIT {
    private static final Duration FLEET = Duration.ofSeconds(100);
    private static final long PAUSE_SECONDS = Long.getLong("bridgewatch.pause.seconds", 20);
    /** Both runs produce the same events: the fleet starts at this minute. */
    private static final long START_NS = System.currentTimeMillis() / 60_000 * 60_000 * 1_000_000L;
    /** The latest closed cost window when each fault began, as a push query on the cluster saw it. */
    private static final List<Long> LATEST_AT_FAULT = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Before any window closed, "the window before the first" (so the first two count as open). */
    private static final java.util.concurrent.atomic.AtomicLong LATEST_CLOSED = new java.util.concurrent.atomic
            .AtomicLong(START_NS - 10_000_000_000L);
    private static final Set<String> ORDER_SENSITIVE = Set.of("cost_p50_s", "cost_p95_s", "cost_p99_s",
            "small_cost_p50_s", "toll_s", "toll_share", "bandwidth_bytes_per_s", "fit_r_squared", "fit_bins",
            "small_crossing_cost_p50_s", "small_crossing_slowdown", "predicted_duration_s");

    @BeforeAll
    static void requireAContainerEngine() {
        String reason = null;
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            reason = "no container engine (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + "; .ci/run starts podman's)";
        } else if (!commandExists("podman")) {
            reason = "podman is needed to build the broker image";
        } else if (!java.nio.file.Files.isDirectory(java.nio.file.Path.of(System.getProperty("java.home"), "jmods"))
                || !java.nio.file.Files.isExecutable(java.nio.file.Path.of("/bin/busybox"))) {
            reason = "building the broker image needs this JDK's jmods (jlink) and a static /bin/busybox";
        }
        if (reason != null) {
            System.err.println("*** ClusterFaultsIT SKIPPED: " + reason + " ***");
            Assumptions.abort(reason);
        }
    }

    @Test
    void shouldLoseAndRepeatNoResultWindowWhenABrokerIsKilledAndAnotherCutOff() throws Exception {
        ResultRows healthy;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            healthy = run(broker.bootstrapServers(), "faults-reference", null);
        }
        ResultRows faulty;
        try (ContainerCluster cluster = ContainerCluster.start()) {
            faulty = run(cluster.bootstrapServers(), "faults-cluster", cluster);
        }
        Map<String, Set<String>> differences = ResultRows.differences(healthy.rows, faulty.rows);
        long costRows = healthy.rows.keySet().stream().filter(k -> k.startsWith("cost|")).count();
        System.out.printf("cluster faults: %d result rows healthy, %d with faults, %d duplicates, %d rows differ in"
                + " order-sensitive figures%n", healthy.rows.size(), faulty.rows.size(), faulty.duplicates.size(),
                differences.size());
        assertThat(healthy.rows).hasSizeGreaterThan(500);
        assertThat(faulty.duplicates).as("no result window twice").isEmpty();
        assertThat(healthy.rows.keySet()).as("no result window extra").containsAll(faulty.rows.keySet());
        Set<String> missing = new java.util.TreeSet<>(healthy.rows.keySet());
        missing.removeAll(faulty.rows.keySet());
        System.out.println("cluster faults: latest closed window at each fault " + LATEST_AT_FAULT.stream()
                .map(w -> (w - START_NS) / 1_000_000_000L + " s").toList() + "; missing: " + missing);
        assertThat(missing).as("only node windows open at a fault are missing (KNOWN LOSS)").allSatisfy(key -> {
            assertThat(key).matches("(cost|concurrency)\\|.*");
            long start = Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
            assertThat(LATEST_AT_FAULT).anySatisfy(latest -> assertThat(start)
                    .isBetween(latest, latest + 20_000_000_000L));
        });
        // KNOWN BUG (README, "Faults"): the node window after a lost one can count a different set of events.
        Map<String, Set<String>> beyondOrder = new java.util.TreeMap<>();
        differences.forEach((identity, fields) -> {
            if (!ORDER_SENSITIVE.containsAll(fields)) {
                beyondOrder.put(identity, fields);
            }
        });
        System.out.println("cluster faults: rows differing beyond processing order: " + beyondOrder.keySet());
        assertThat(beyondOrder.keySet()).as("only node windows near a fault differ beyond processing order")
                .allSatisfy(key -> {
                    long start = Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
                    assertThat(LATEST_AT_FAULT).anySatisfy(latest -> assertThat(start)
                            .isBetween(latest, latest + 30_000_000_000L));
                });
        // Order-sensitive cost figures (ScaleOutIT) may differ anywhere: a fault replays input in another order.
        System.out.printf("cluster faults: %d of %d cost rows differ in order-sensitive figures%n",
                differences.keySet().stream().filter(k -> k.startsWith("cost|")).count(), costRows);
    }

    /** The fleet through two streams instances; with a cluster, its faults injected on the way. */
    private static ResultRows run(String bootstrap, String application, ContainerCluster cluster) throws Exception {
        FleetRuns.createTopics(bootstrap, cluster == null ? 1 : 3);
        List<StreamsService> instances = FleetRuns.startInstances(bootstrap, application, 2, 1);
        Thread faults = cluster == null ? null : new Thread(() -> injectFaults(cluster), "fault-injector");
        io.bridgewatch.launcher.query.PushStream closed = cluster == null ? null
                : io.bridgewatch.launcher.query.PushStream.open(java.net.http.HttpClient.newHttpClient(),
                        instances.get(0).queryUrl(), "SELECT window_start_ns FROM cost EMIT CHANGES",
                        row -> LATEST_CLOSED.accumulateAndGet(row.get(0).asLong(), Math::max));
        try {
            if (faults != null) {
                faults.start();
            }
            FleetRuns.produceFleet(bootstrap, START_NS, FLEET, application);
            if (faults != null) {
                faults.join();
            }
            FleetRuns.awaitCaughtUp(bootstrap, application, Duration.ofMinutes(5));
            return ResultRows.read(bootstrap, Map.of(), ResultRows.endOffsets(bootstrap));
        } finally {
            if (closed != null) {
                closed.close();
            }
            instances.forEach(StreamsService::close);
        }
    }

    /** 25 s in: broker 2 killed; 45 s: started again; 60 s: broker 3 paused for PAUSE_SECONDS, then resumed. */
    private static void injectFaults(ContainerCluster cluster) {
        try {
            TimeUnit.SECONDS.sleep(25);
            System.out.println("cluster faults: kill -9 broker 2");
            LATEST_AT_FAULT.add(LATEST_CLOSED.get());
            cluster.kill(1);
            TimeUnit.SECONDS.sleep(20);
            System.out.println("cluster faults: broker 2 started again");
            cluster.restart(1);
            cluster.awaitBrokers(3, Duration.ofMinutes(2));
            TimeUnit.SECONDS.sleep(10);
            System.out.println("cluster faults: broker 3 paused for " + PAUSE_SECONDS + " s");
            LATEST_AT_FAULT.add(LATEST_CLOSED.get());
            cluster.pause(2);
            TimeUnit.SECONDS.sleep(PAUSE_SECONDS);
            cluster.resume(2);
            System.out.println("cluster faults: broker 3 resumed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
