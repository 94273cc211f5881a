package io.bridgewatch.launcher.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.streams.service.StreamsService;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scale-out by partitions: three streams instances over 12 partitions compute exactly what one instance computes
 * over the same input, each result once, and any instance answers for any node.
 */
class ScaleOutIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough for cohort windows (60 s, 60 s grace) to close. */
    private static final Duration FLEET_DURATION = Duration.ofSeconds(150);
    private static ResultRows single;
    private static ResultRows triple;
    private static final Map<String, List<JsonNode>> ANSWERS_BY_NODE = new java.util.TreeMap<>();

    @BeforeAll
    static void runOnceAndThrice() throws Exception {
        single = run(1, 0, false);
        triple = run(3, 1, true);
    }

    /** The seeded fleet through {@code count} instances on a broker of their own; their result windows. */
    private static ResultRows run(int count, int standbys, boolean askEveryInstance) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            FleetRuns.createTopics(bootstrap);
            String application = "scale-" + count;
            List<StreamsService> instances = FleetRuns.startInstances(bootstrap, application, count, standbys);
            try {
                long events = FleetRuns.produceFleet(bootstrap, FLEET_DURATION, application);
                assertThat(events).isGreaterThan(10_000);
                FleetRuns.awaitCaughtUp(bootstrap, application, Duration.ofMinutes(4));
                ResultRows rows = ResultRows.read(bootstrap, Map.of(), ResultRows.endOffsets(bootstrap));
                if (askEveryInstance) {
                    askEveryInstanceForEveryNode(instances, rows);
                }
                return rows;
            } finally {
                instances.forEach(StreamsService::close);
            }
        }
    }

    @Test
    void shouldComputeTheSameResultWindowsOnThreeInstancesAsOnOne() {
        assertThat(single.rows).isNotEmpty();
        assertThat(single.rows.keySet().stream().filter(k -> k.startsWith("cohort|"))).isNotEmpty();
        assertThat(triple.rows.keySet()).containsExactlyInAnyOrderElementsOf(single.rows.keySet());
        Map<String, Set<String>> differences = ResultRows.differences(single.rows, triple.rows);
        long costRows = single.rows.keySet().stream().filter(k -> k.startsWith("cost|")).count();
        System.out.printf("scale-out: %d result rows, %d cost windows; %d rows differ: %s%n", single.rows.size(),
                costRows, differences.size(), differences);
        // Each node's copies and kernels come in one sequence (node event batches), whichever instance has them.
        assertThat(differences).as("every result window the same on one instance and on three").isEmpty();
    }

    @Test
    void shouldEmitEveryResultWindowOnce() {
        assertThat(single.duplicates).isEmpty();
        assertThat(triple.duplicates).isEmpty();
    }

    @Test
    void shouldAnswerANodeQueryWithTheSameRowsFromEveryInstance() {
        assertThat(ANSWERS_BY_NODE).hasSize(12);
        ANSWERS_BY_NODE.forEach((node, answers) -> {
            assertThat(answers).hasSize(3);
            assertThat(answers.get(0).path("cost")).as(node).isNotEmpty();
            assertThat(answers).as(node).allSatisfy(a -> assertThat(a).isEqualTo(answers.get(0)));
        });
    }

    @Test
    void shouldAnswerEachNodeWithEveryCostWindowItsResultTopicHolds() {
        ANSWERS_BY_NODE.forEach((node, answers) -> {
            Set<String> fromTopic = new HashSet<>();
            triple.rows.keySet().stream().filter(k -> k.startsWith("cost|" + node + "|")).forEach(fromTopic::add);
            Set<String> fromQuery = new HashSet<>();
            answers.get(0).path("cost").forEach(w -> fromQuery.add("cost|" + node + "|" + w.get("gpu_index").asInt()
                    + "|" + w.get("direction").asText() + "|" + w.get("host_memory").asText() + "|"
                    + w.get("form").asText() + "|" + w.get("window_start_ns").asLong()));
            assertThat(fromQuery).as(node).isEqualTo(fromTopic);
        });
    }

    private static void askEveryInstanceForEveryNode(List<StreamsService> instances, ResultRows results)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Set<String> nodes = new HashSet<>();
        results.rows.keySet().stream().filter(k -> k.startsWith("cost|")).forEach(k -> nodes.add(k.split("\\|")[1]));
        for (String node : nodes) {
            for (StreamsService instance : instances) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(instance.queryUrl()
                        + "/v1/nodes/" + URLEncoder.encode(node, StandardCharsets.UTF_8) + "/windows")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                ANSWERS_BY_NODE.computeIfAbsent(node, n -> new java.util.ArrayList<>())
                        .add(JSON.readTree(response.body()).get("windows"));
            }
        }
    }
}
