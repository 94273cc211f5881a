package io.bridgewatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.GroundTruth;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.TopologyConfig;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo path end to end on the real embedded broker: simulator, collectors, Kafka, streams-app, results. */
class DemoIT {
    private static final long START_NS = System.currentTimeMillis() / 60_000 * 60_000 * 1_000_000L;
    private static final ByteArrayOutputStream OUTPUT = new ByteArrayOutputStream();
    private static Demo demo;
    private static SdkMeterProvider meters;
    private static int metricsPort;

    @BeforeAll
    static void runDemo() throws Exception {
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        meters = SdkMeterProvider.builder().registerMetricReader(PrometheusHttpServer.builder()
                .setHost("127.0.0.1").setPort(metricsPort).build()).build();
        demo = new Demo(new DemoSettings(null, ScenarioLoader.loadDefault(), Duration.ofSeconds(60),
                FleetSimulator.Pacing.LOCKSTEP, Duration.ofHours(1), START_NS, TopologyConfig.DEFAULTS),
                new PrintStream(OUTPUT, true, StandardCharsets.UTF_8), meters.get("test"));
        demo.start();
        demo.run();
    }

    @AfterAll
    static void stop() {
        demo.close();
        meters.close();
    }

    @Test
    void shouldDeliverCostWindowsForEveryNodeToTheResultTopic() {
        List<BridgeCostWindow> windows = readCostWindowsOfEveryNode();
        Set<String> nodes = windows.stream().map(BridgeCostWindow::getNodeId).collect(Collectors.toSet());
        assertThat(nodes).isEqualTo(demo.groundTruth().keySet());
        assertThat(OUTPUT.toString(StandardCharsets.UTF_8)).contains("h200-cc-c8", "H2D toll", "tokens/s");
    }

    @Test
    void shouldReportTollsWithinFivePercentOfTheSimulatorsTruth() {
        List<BridgeCostWindow> windows = readCostWindowsOfEveryNode();
        Map<String, GroundTruth> truth = demo.groundTruth();
        for (String node : truth.keySet()) {
            for (Direction direction : List.of(Direction.H2D, Direction.D2H)) {
                List<Double> tolls = windows.stream()
                        .filter(w -> w.getNodeId().equals(node) && w.getDirection() == direction
                                && w.getHostMemory() == HostMemoryKind.PINNED && w.getTollS() != null)
                        .map(BridgeCostWindow::getTollS).sorted().toList();
                if (tolls.isEmpty()) {
                    continue; // no-async nodes read back D2H into pageable memory only
                }
                double reported = tolls.get(tolls.size() / 2);
                double expected = truth.get(node).tollSeconds(direction, HostMemoryKind.PINNED);
                assertThat(reported).as("%s %s toll", node, direction)
                        .isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(5));
            }
        }
    }

    @Test
    void shouldServeTheResultsAsPrometheusMetricsWithNodeLabels() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build();
        String[] body = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            body[0] = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
            return body[0].contains("bridgewatch_bridge_toll_seconds{");
        });
        assertThat(body[0]).contains("# HELP bridgewatch_bridge_toll_seconds", "bridgewatch_async_blocked_ratio{",
                "bridgewatch_copy_concurrency_index{", "bridgewatch_bridge_bandwidth_bytes_per_second{",
                "bridgewatch_bridge_cost_seconds{", "bridgewatch_phase_duration_seconds{",
                "bridgewatch_streams_input_lag ", "bridgewatch_unreadable_records_total ");
        String ccToll = body[0].lines().filter(l -> l.startsWith("bridgewatch_bridge_toll_seconds{")
                        && l.contains("node=\"h200-cc-c32\"") && l.contains("direction=\"H2D\"")
                        && l.contains("host_memory=\"PINNED\""))
                .findFirst().orElseThrow();
        assertThat(ccToll).contains("cc_mode=\"ON\"", "cohort=\"NVIDIA H200|580|VLLM|0.14.1|Qwen3-27B-FP8|c32\"");
        assertThat(Double.parseDouble(ccToll.substring(ccToll.lastIndexOf(' ') + 1)))
                .isCloseTo(330e-6, org.assertj.core.data.Percentage.withPercentage(5));
    }

    @Test
    void shouldRouteACorruptRecordToTheDeadLetterTopicAndKeepRunning() throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", demo.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.CROSSINGS, "h200-cc-c8",
                    "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
        }
        List<byte[]> letters = read(Topics.DLQ, values -> !values.isEmpty());
        DeadLetter letter = BridgewatchSerdes.deadLetter().deserialize(Topics.DLQ, letters.get(0));
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.CROSSINGS);
        assertThat(letter.getStage()).isEqualTo("deserialization");
        assertThat(letter.getReason()).contains("expected marker C3 01");
        assertThat(demo.streamsState()).isIn(org.apache.kafka.streams.KafkaStreams.State.RUNNING,
                org.apache.kafka.streams.KafkaStreams.State.REBALANCING);
    }

    /** Partitions close their windows independently: wait until every simulated node has at least three. */
    private List<BridgeCostWindow> readCostWindowsOfEveryNode() {
        Set<String> expected = demo.groundTruth().keySet();
        java.util.function.Function<List<byte[]>, List<BridgeCostWindow>> decode = values -> values.stream()
                .map(v -> BridgewatchSerdes.bridgeCostWindow().deserialize(Topics.BRIDGE_COST, v)).toList();
        return decode.apply(read(Topics.BRIDGE_COST, values -> {
            Map<String, Long> windowsPerNode = decode.apply(values).stream().collect(Collectors.groupingBy(
                    BridgeCostWindow::getNodeId, Collectors.mapping(BridgeCostWindow::getWindowStartNs,
                            Collectors.collectingAndThen(Collectors.toSet(), s -> (long) s.size()))));
            return expected.stream().allMatch(node -> windowsPerNode.getOrDefault(node, 0L) >= 3);
        }));
    }

    private static List<byte[]> read(String topic, java.util.function.Predicate<List<byte[]>> complete) {
        return TopicReader.readUntil(demo.bootstrapServers(), topic, new ByteArrayDeserializer(), complete,
                Duration.ofSeconds(60));
    }
}
