package io.bridgewatch.launcher.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.simulator.ScenarioLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fail-over: three {@code bridgewatch streams} processes with one standby replica each; one is killed (kill -9)
 * while a fleet is producing. Every node's windows still arrive, none twice, and a query for a node the killed
 * instance owned is answered by another instance.
 */
class FailoverIT {
    private static final String APPLICATION = "failover";
    private static final Duration FLEET = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EmbeddedKafkaBroker broker;
    private static final List<StreamsProcess> INSTANCES = new ArrayList<>();
    /** Wall-clock arrival (ms) of each committed cost window, per node. */
    private static final Map<String, List<Long>> ARRIVALS = new ConcurrentHashMap<>();
    private static final List<BridgeCostWindow> COST_WINDOWS = new CopyOnWriteArrayList<>();
    private static String victimNode;
    private static long killedAtMs;
    private static long latestAtKill;
    private static JsonNode answerDuringFailover;
    private static int answerStatus;
    private static ResultRows results;
    private static Map<String, Long> deadLetters;

    @BeforeAll
    static void killOneInstanceMidRun() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        String bootstrap = broker.bootstrapServers();
        FleetRuns.createTopics(bootstrap);
        String config = "bootstrap.servers = " + bootstrap + "\napplication.id = " + APPLICATION
                + "\nnum.standby.replicas = 1\ntopics.partitions = " + FleetRuns.PARTITIONS
                // A killed instance leaves the group when its session times out: 10 s here (Kafka's default: 45 s).
                + "\nkafka.session.timeout.ms = 10000\nkafka.heartbeat.interval.ms = 2000";
        for (int i = 0; i < 3; i++) {
            INSTANCES.add(StreamsProcess.start(config));
        }
        await().atMost(Duration.ofMinutes(2)).until(() -> INSTANCES.stream().allMatch(p -> p.healthy(HTTP)));
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> readCostWindows(bootstrap, reading), "failover-results");
        reader.start();
        Thread fleet = new Thread(() -> {
            try {
                FleetRuns.produceFleet(bootstrap, FLEET, APPLICATION);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "failover-fleet");
        fleet.start();
        Set<String> nodes = new TreeSet<>();
        ScenarioLoader.loadDefault().nodes().forEach(n -> nodes.add(n.id()));
        // Mid-run: every node has had a few windows, and the fleet has a minute left to go (with node event batches
        // the pipeline keeps pace closely; killed at eight windows, a node's last windows had sometimes all come).
        await().atMost(Duration.ofMinutes(5)).until(() -> nodes.stream()
                .allMatch(n -> ARRIVALS.getOrDefault(n, List.of()).size() >= 5));
        StreamsProcess victim = INSTANCES.get(0);
        victimNode = nodeActiveOn(victim, nodes);
        latestAtKill = COST_WINDOWS.stream().mapToLong(BridgeCostWindow::getWindowStartNs).max().orElse(0);
        victim.kill();
        killedAtMs = System.currentTimeMillis();
        System.out.println("failover: killed with the latest cost window at " + (latestAtKill - FleetRuns.START_NS)
                / 1_000_000_000L + " s");
        StreamsProcess survivor = INSTANCES.get(1);
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(survivor.url() + "/v1/nodes/"
                + victimNode + "/windows")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        answerStatus = answer.statusCode();
        answerDuringFailover = JSON.readTree(answer.body());
        fleet.join(Duration.ofMinutes(8).toMillis());
        FleetRuns.awaitCaughtUp(bootstrap, APPLICATION, Duration.ofMinutes(4));
        reading.set(false);
        reader.join();
        results = ResultRows.read(bootstrap, Map.of(), ResultRows.endOffsets(bootstrap));
        deadLetters = DeadLetters.countByStage(bootstrap);
        System.out.println("failover: dead letters by stage " + deadLetters);
    }

    @AfterAll
    static void stop() throws Exception {
        for (StreamsProcess instance : INSTANCES) {
            instance.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldDeliverEveryWindowOfEveryNodeOnceAcrossTheFailover() {
        assertThat(results.duplicates).isEmpty();
        assertThat(deadLetters).as("no event came too late for its window").doesNotContainKey("late");
        Map<String, TreeSet<Long>> starts = new TreeMap<>();
        results.rows.keySet().stream().filter(k -> k.startsWith("cost|")).map(k -> k.split("\\|"))
                .forEach(k -> starts.computeIfAbsent(k[1], n -> new TreeSet<>()).add(Long.parseLong(k[6])));
        assertThat(starts).hasSize(12);
        List<String> missing = new ArrayList<>();
        starts.forEach((node, windows) -> {
            for (long w = windows.first(); w <= windows.last(); w += 10_000_000_000L) {
                if (!windows.contains(w)) {
                    missing.add(node + "@" + (w - FleetRuns.START_NS) / 1_000_000_000L + "s");
                }
            }
            assertThat(windows.last() - FleetRuns.START_NS).as(node).isGreaterThanOrEqualTo(
                    FLEET.toNanos() - 30_000_000_000L);
        });
        System.out.println("failover: node windows missing after the kill: " + missing);
        assertThat(missing).as("windows missing (the latest closed at the kill: %d s)",
                (latestAtKill - FleetRuns.START_NS) / 1_000_000_000L).isEmpty();
    }

    @Test
    void shouldAnswerForANodeOfTheKilledInstanceFromAnotherOne() {
        assertThat(answerStatus).as(answerDuringFailover.toString()).isEqualTo(200);
        assertThat(answerDuringFailover.path("windows").path("cost")).isNotEmpty();
        assertThat(answerDuringFailover.path("freshness").path("instance").asText())
                .isNotEqualTo("127.0.0.1:" + INSTANCES.get(0).httpPort);
        System.out.println("failover: query for " + victimNode + " answered by "
                + answerDuringFailover.path("freshness"));
    }

    @Test
    void shouldResumeTheKilledInstancesNodesWithinAMinute() {
        List<Long> arrivals = ARRIVALS.get(victimNode);
        long lastBefore = arrivals.stream().filter(t -> t <= killedAtMs).max(Long::compare).orElseThrow();
        long firstAfter = arrivals.stream().filter(t -> t > killedAtMs).min(Long::compare).orElseThrow();
        System.out.printf("failover: %s's last window before the kill %d ms before it, first after %d ms after it"
                + " (gap %d ms; session timeout 10 s)%n", victimNode, killedAtMs - lastBefore,
                firstAfter - killedAtMs, firstAfter - lastBefore);
        assertThat(firstAfter - killedAtMs).isLessThan(60_000);
    }

    /** A node whose partition the instance processes (from its own /v1/instances). */
    private static String nodeActiveOn(StreamsProcess instance, Set<String> nodes) throws Exception {
        JsonNode instances = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(instance.url()
                + "/v1/instances")).build(), HttpResponse.BodyHandlers.ofString()).body());
        Set<Integer> partitions = new TreeSet<>();
        for (JsonNode i : instances.path("instances")) {
            if (i.path("instance").asText().endsWith(":" + instance.httpPort)) {
                i.path("active").forEach(tp -> {
                    String name = tp.asText();
                    if (name.startsWith(Topics.CROSSINGS + "-")) {
                        partitions.add(Integer.parseInt(name.substring(Topics.CROSSINGS.length() + 1)));
                    }
                });
            }
        }
        for (String node : nodes) {
            int partition = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils
                    .murmur2(node.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % FleetRuns.PARTITIONS;
            if (partitions.contains(partition)) {
                return node;
            }
        }
        throw new AssertionError("no node on the partitions " + partitions + " of " + instance.url());
    }

    private static void readCostWindows(String bootstrap, AtomicBoolean reading) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "failover-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(Topics.BRIDGE_COST));
            while (reading.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    BridgeCostWindow w = BridgewatchSerdes.bridgeCostWindow().deserialize(record.topic(),
                            record.value());
                    COST_WINDOWS.add(w);
                    ARRIVALS.computeIfAbsent(w.getNodeId(), n -> new CopyOnWriteArrayList<>())
                            .add(System.currentTimeMillis());
                }
            }
        }
    }
}
