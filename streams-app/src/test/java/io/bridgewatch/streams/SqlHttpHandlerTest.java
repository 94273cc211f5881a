package io.bridgewatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.bridgewatch.streams.sql.SqlHttpHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/query} and {@code GET /v1/tables} over a test driver's stores: answers, errors, statuses. */
class SqlHttpHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private SqlFixture sql;
    private HttpServer server;
    private String url;

    @BeforeEach
    void start() throws Exception {
        sql = new SqlFixture();
        SqlHttpHandler handler = sql.handler;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/v1/query", handler::query);
        server.createContext("/v1/tables", handler::tables);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        sql.close();
    }

    @Test
    void shouldAnswerAPullQueryWithColumnsRowsAndFreshness() throws Exception {
        HttpResponse<String> response = post("{\"sql\": \"SELECT node_id, crossings FROM cost WHERE node_id = 'n1'\"}",
                "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("columns").get(0).path("name").asText()).isEqualTo("node_id");
        assertThat(answer.path("columns").get(1).path("type").asText()).isEqualTo("BIGINT");
        assertThat(answer.path("rows")).singleElement().satisfies(row -> {
            assertThat(row.get(0).asText()).isEqualTo("n1");
            assertThat(row.get(1).asLong()).isEqualTo(20);
        });
        assertThat(answer.path("freshness").get(0).path("served_by").asText()).isEqualTo("test:1");
    }

    @Test
    void shouldAnswerMistakesWithA4xxAndTheReason() throws Exception {
        assertError(post("SELECT node_id FROM cost WHERE", "text/plain"), 400, "syntax error at line 1, column");
        assertError(post("DROP TABLE cost", "text/plain"), 400, "read-only");
        assertError(post("SELECT x FROM (VALUES (1), (2), (3), (4), (5), (6)) AS t(x)", "text/plain"), 413,
                "more than 5 rows");
        assertError(post("SELECT * FROM crossings", "text/plain"), 503, "no Kafka cluster");
        assertError(post("{\"query\": 1}", "application/json"), 400, "needs a string field \"sql\"");
        assertError(http.send(HttpRequest.newBuilder(URI.create(url + "/v1/query")).GET().build(),
                HttpResponse.BodyHandlers.ofString()), 405, "POST the SQL");
        assertThat(post("SELECT COUNT(*) FROM nodes", "text/plain").statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    void shouldListEveryTableWithItsColumns() throws Exception {
        JsonNode tables = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url + "/v1/tables")).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).body()).path("tables");

        assertThat(StreamSupport.stream(tables.spliterator(), false).map(t -> t.path("name").asText()))
                .containsExactly("cost", "concurrency", "phases", "comparisons", "compute_parity", "nodes", "alerts",
                        "crossings", "kernels", "serving", "dead_letters", "async");
        JsonNode crossings = tables.get(7);
        assertThat(StreamSupport.stream(crossings.path("columns").spliterator(), false)
                .map(c -> c.path("name").asText())).contains("api_start_ns", "api_start", "_partition", "_offset", "_ts");
        assertThat(crossings.path("push").asBoolean()).isFalse();
    }

    private HttpResponse<String> post(String body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/query")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains(message);
    }
}
