package io.bridgewatch.launcher.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.launcher.query.PushStream;
import io.bridgewatch.schema.BridgeAlert;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.topics.TopicSnapshot;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.service.StreamsService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * SQL on two streams instances over a real broker: either instance answers with the rows of every partition, raw
 * topics are scanned within bounds, push queries stream new rows, and queries keep answering after an instance
 * stops. Every expectation is computed from the topics (the topology's own output, or the test's own records).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlAcrossInstancesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration FLEET_DURATION = Duration.ofSeconds(90);
    private static final String COST_QUERY = "SELECT node_id, gpu_index, direction, host_memory, form,"
            + " window_start_ns, toll_s FROM cost";
    /** README: one node's raw crossings in the last complete minute. */
    static final String RAW_MINUTE = """
            SELECT api_start, api, direction, host_memory, bytes, (api_end_ns - api_start_ns) / 1000 AS host_us,
                   _partition, _offset, _index
            FROM crossings
            WHERE node_id = 'h200-cc-c8'
              AND api_start >= FLOOR(CURRENT_TIMESTAMP TO MINUTE) - INTERVAL '1' MINUTE
              AND api_start < FLOOR(CURRENT_TIMESTAMP TO MINUTE)
            ORDER BY _offset, _index
            LIMIT 20""";
    /** README: a push query of new alerts. */
    static final String NEW_ALERTS = "SELECT node_id, cohort, direction, host_memory, ratio, description"
            + " FROM alerts WHERE status = 'FIRING' EMIT CHANGES";
    private static final java.nio.file.Path REPO = java.nio.file.Path.of(System.getProperty("bridgewatch.repo.dir",
            ".."));

    /** This test's fleet starts at the current minute (FleetRuns.START_NS is fixed when the first IT loads it). */
    private static final long START_NS = System.currentTimeMillis() / 60_000 * 60_000 * 1_000_000L;
    private static EmbeddedKafkaBroker broker;
    private static List<StreamsService> instances;
    private static ResultRows results;
    private static PushStream costPush;
    private static final List<JsonNode> COST_ROWS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void runFleetOnTwoInstances() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        FleetRuns.createTopics(broker.bootstrapServers());
        instances = FleetRuns.startInstances(broker.bootstrapServers(), "sql-it", 2, 1);
        for (StreamsService instance : instances) {
            assertThat(instance.awaitRunning(Duration.ofSeconds(60))).isTrue();
        }
        costPush = PushStream.open(HTTP, instances.get(1).queryUrl(), "SELECT node_id, gpu_index, direction,"
                + " host_memory, form, window_start_ns FROM cost WHERE direction = 'H2D' EMIT CHANGES", COST_ROWS::add);
        FleetRuns.produceFleet(broker.bootstrapServers(), START_NS, FLEET_DURATION, "sql-it");
        FleetRuns.awaitCaughtUp(broker.bootstrapServers(), "sql-it", Duration.ofMinutes(3));
        results = ResultRows.read(broker.bootstrapServers(), Map.of(), ResultRows.endOffsets(
                broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (costPush != null) {
            costPush.close();
        }
        if (instances != null) {
            instances.forEach(StreamsService::close);
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void shouldAnswerWithTheRowsOfEveryPartitionOnEitherInstance() throws Exception {
        Map<String, Double> expected = new TreeMap<>();
        results.rows.forEach((identity, row) -> {
            if (identity.startsWith("cost|")) {
                expected.put(identity, row.path("toll_s").isNull() ? null : row.path("toll_s").asDouble());
            }
        });
        assertThat(expected).hasSizeGreaterThan(100);
        for (StreamsService instance : instances) {
            JsonNode answer = query(instance.queryUrl(), COST_QUERY);
            assertThat(costRows(answer)).as("cost rows on " + instance.instanceName()).isEqualTo(expected);
            Set<String> servedBy = new HashSet<>();
            answer.path("freshness").forEach(f -> servedBy.add(f.path("served_by").asText()));
            assertThat(servedBy).as("the partitions of both instances were read")
                    .containsExactlyInAnyOrder(instances.get(0).instanceName(), instances.get(1).instanceName());
            assertThat(answer.path("freshness")).hasSize(FleetRuns.PARTITIONS);
        }
    }

    @Test
    @Order(2)
    void shouldScanOneNodesRawCrossingsOfTheLastCompleteMinute() throws Exception {
        // The collectors batch: each crossing with its batch record's place and its index in the batch.
        List<ConsumerRecord<String, Crossing>> all = new ArrayList<>();
        TopicSnapshot.read(broker.bootstrapServers(), Topics.NODE_EVENTS, record -> {
            List<SpecificRecord> events = NodeEventCodec.events(BridgewatchSerdes.of(NodeEventBatch.class)
                    .deserialize(null, record.value()));
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i) instanceof Crossing crossing) {
                    all.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(),
                            record.key() + "#" + i, crossing));
                }
            }
        });
        // The fleet's events span [START, START + 90 s): the last complete minute holds some from START + 60 s on.
        long startMs = START_NS / 1_000_000;
        while (System.currentTimeMillis() < startMs + 61_000) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        assertThat(System.currentTimeMillis()).as("the fleet's minutes are still the last ones")
                .isLessThan(startMs + 170_000);
        JsonNode answer;
        long minuteMs;
        while (true) {
            long before = System.currentTimeMillis() / 60_000;
            answer = query(instances.get(0).queryUrl(), RAW_MINUTE);
            if (System.currentTimeMillis() / 60_000 == before) {
                minuteMs = before * 60_000;
                break;
            }
        }
        long from = (minuteMs - 60_000) * 1_000_000L;
        long to = minuteMs * 1_000_000L;
        List<List<Object>> expected = all.stream().filter(r -> r.key().startsWith("h200-cc-c8#")
                        && r.value().getApiStartNs() >= from && r.value().getApiStartNs() < to)
                .limit(20) // read in offset order, each batch's events in order
                .map(r -> List.<Object>of(Instant.ofEpochMilli(r.value().getApiStartNs() / 1_000_000).toString(),
                        r.value().getApi().toString(), r.value().getDirection().name(),
                        r.value().getHostMemory().name(), r.value().getBytes(),
                        (r.value().getApiEndNs() - r.value().getApiStartNs()) / 1000, r.partition(), r.offset(),
                        Integer.parseInt(r.key().substring(r.key().indexOf('#') + 1))))
                .toList();

        assertThat(expected).hasSize(20);
        List<List<Object>> rows = new ArrayList<>();
        answer.path("rows").forEach(r -> rows.add(List.of(r.get(0).asText(), r.get(1).asText(), r.get(2).asText(),
                r.get(3).asText(), r.get(4).asLong(), r.get(5).asLong(), r.get(6).asInt(), r.get(7).asLong(),
                r.get(8).asInt())));
        assertThat(rows).isEqualTo(expected);
        assertThat(answer.path("freshness")).as("only the node's partition of each event topic is scanned")
                .hasSize(2).allSatisfy(f -> assertThat(f.path("role").asText()).isEqualTo("SNAPSHOT"));
    }

    @Test
    @Order(2)
    void shouldShowTheTestedQueriesInTheReadme() throws Exception {
        String readme = java.nio.file.Files.readString(REPO.resolve("README.md")).replaceAll("\\s+", " ");
        for (String query : List.of(RAW_MINUTE, NEW_ALERTS)) {
            assertThat(readme.contains(query.replaceAll("\\s+", " "))).as("the README shows " + query).isTrue();
        }
    }

    @Test
    @Order(3)
    void shouldStreamClosedWindowsToAPushQuery() throws Exception {
        Set<String> expected = results.rows.keySet().stream()
                .filter(k -> k.startsWith("cost|") && k.contains("|H2D|")).collect(Collectors.toSet());
        awaitRows(COST_ROWS, expected.size());
        Set<String> pushed = COST_ROWS.stream().map(r -> "cost|" + r.get(0).asText() + "|" + r.get(1).asInt() + "|"
                + r.get(2).asText() + "|" + r.get(3).asText() + "|" + r.get(4).asText() + "|" + r.get(5).asLong())
                .collect(Collectors.toSet());
        assertThat(pushed).isEqualTo(expected);
        assertThat(COST_ROWS).as("each window once").hasSize(expected.size());
    }

    @Test
    @Order(4)
    void shouldStreamNewAlertsMatchingThePushQuery() throws Exception {
        List<JsonNode> rows = new CopyOnWriteArrayList<>();
        try (PushStream alerts = PushStream.open(HTTP, instances.get(0).queryUrl(), NEW_ALERTS, rows::add)) {
            List<BridgeAlert> sent = List.of(alert("cvm-1", "FIRING", 1.8), alert("cvm-1", "RESOLVED", 1.0),
                    alert("cvm-2", "FIRING", 2.0), alert("cvm-3", "RESOLVED", 1.1));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    broker.bootstrapServers()), new StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (BridgeAlert alert : sent) {
                    producer.send(new ProducerRecord<>(Topics.ALERTS, alert.getNodeId().toString(),
                            BridgewatchSerdes.of(BridgeAlert.class).serialize(Topics.ALERTS, alert))).get();
                }
            }
            awaitRows(rows, 2);
            TimeUnit.SECONDS.sleep(1);
            assertThat(rows).extracting(r -> r.get(0).asText() + " " + r.get(4).asDouble() + " "
                    + r.get(5).asText()).containsExactlyInAnyOrder("cvm-1 1.8 cvm-1 at 1.8x", "cvm-2 2.0 cvm-2 at 2.0x");
        }
    }

    @Test
    @Order(5)
    void shouldKeepAnsweringAfterAnInstanceStops() throws Exception {
        Map<String, Double> before = costRows(query(instances.get(1).queryUrl(), COST_QUERY));
        instances.get(0).close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonNode answer = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = post(instances.get(1).queryUrl(), COST_QUERY);
            if (response.statusCode() == 200) {
                answer = JSON.readTree(response.body());
                Set<String> servedBy = new HashSet<>();
                answer.path("freshness").forEach(f -> servedBy.add(f.path("served_by").asText()));
                if (servedBy.equals(Set.of(instances.get(1).instanceName()))) {
                    break;
                }
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        assertThat(answer).as("an answer after the rebalance").isNotNull();
        assertThat(costRows(answer)).isEqualTo(before);
        answer.path("freshness").forEach(f -> assertThat(f.path("served_by").asText())
                .isEqualTo(instances.get(1).instanceName()));
    }

    private static Map<String, Double> costRows(JsonNode answer) {
        Map<String, Double> rows = new TreeMap<>();
        for (JsonNode r : answer.path("rows")) {
            rows.put("cost|" + r.get(0).asText() + "|" + r.get(1).asInt() + "|" + r.get(2).asText() + "|"
                    + r.get(3).asText() + "|" + r.get(4).asText() + "|" + r.get(5).asLong(),
                    r.get(6).isNull() ? null : r.get(6).asDouble());
        }
        return rows;
    }

    private static BridgeAlert alert(String node, String status, double ratio) {
        return BridgeAlert.newBuilder().setNodeId(node).setCohort("c").setCcMode(CcMode.ON).setKind("TOLL_REGRESSION")
                .setStatus(status).setDirection(Direction.H2D).setHostMemory(HostMemoryKind.PINNED)
                .setWindowStartNs(START_NS).setWindowEndNs(START_NS + 10_000_000_000L)
                .setValueS(0.001 * ratio).setBaselineS(0.001).setRatio(ratio).setThreshold(1.5)
                .setDescription(node + " at " + ratio + "x").build();
    }

    private static String timestamp(long ns) {
        return Instant.ofEpochSecond(0, ns).toString().replace('T', ' ').replace("Z", "");
    }

    private static JsonNode query(String url, String sql) throws Exception {
        HttpResponse<String> response = post(url, sql);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String url, String sql) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/query"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitRows(List<JsonNode> rows, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (rows.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
