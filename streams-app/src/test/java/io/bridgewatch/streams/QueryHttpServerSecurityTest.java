package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
import static io.bridgewatch.streams.TestEvents.US;
import static io.bridgewatch.streams.TestEvents.copy;
import static io.bridgewatch.streams.TestEvents.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bridgewatch.kafka.embedded.LocalCertificateAuthority;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.streams.query.BearerToken;
import io.bridgewatch.streams.query.HttpAccess;
import io.bridgewatch.streams.query.LocalAnswers;
import io.bridgewatch.streams.query.QueryHttpServer;
import io.bridgewatch.streams.sql.LocalResultPartitions;
import io.bridgewatch.streams.sql.PushQueries;
import io.bridgewatch.streams.sql.SqlEngine;
import io.bridgewatch.streams.sql.SqlHttpHandler;
import io.bridgewatch.streams.sql.SqlLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query API over HTTPS with a bearer token: who gets an answer, who gets a 401, who gets no connection. */
class QueryHttpServerSecurityTest {
    private static final String TOKEN = "bw-test-token-0123456789abcdef";

    @TempDir
    Path dir;
    private TopologyHarness harness;
    private SqlEngine engine;
    private PushQueries push;
    private QueryHttpServer server;
    private HttpAccess client;
    private String url;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        harness.nodes.pipeInput("n1", node("n1", CcMode.ON));
        for (int i = 0; i < 20; i++) {
            long a = T0 + i * 100 * MS;
            harness.crossings.pipeInput("n1", copy(a, a + 300 * US, a, a + 300 * US, 4096).build());
        }
        harness.advanceStreamTimeTo(T0 + 30 * S);
        DriverViews views = new DriverViews(harness.driver);
        engine = new SqlEngine(new LocalResultPartitions(views, new LocalAnswers(views, "test:1")),
                Optional.empty(), new SqlLimits(5, 1_000, Duration.ofSeconds(10)));
        push = new PushQueries(Map.of("bootstrap.servers", "unused:9092"), 10, 10);

        LocalCertificateAuthority authority = LocalCertificateAuthority.create(dir.resolve("ca"), "query-ca");
        LocalCertificateAuthority.Identity instance = authority.issue("streams-1");
        HttpAccess.Store trust = new HttpAccess.Store(authority.truststore(), authority.truststorePassword());
        HttpAccess serving = new HttpAccess(Optional.of(new HttpAccess.Store(instance.keystore(), instance.password())),
                Optional.of(trust), Optional.of(BearerToken.of(TOKEN)));
        server = new QueryHttpServer(new InetSocketAddress("127.0.0.1", 0), serving);
        server.serve(null, new SqlHttpHandler(engine, push), JsonNodeFactory.instance::objectNode, () -> true);
        client = new HttpAccess(Optional.empty(), Optional.of(trust), Optional.of(BearerToken.of(TOKEN)));
        url = "https://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        push.close();
        engine.close();
        harness.close();
    }

    @Test
    void shouldAnswerOnlyRequestsThatCarryTheToken() throws Exception {
        HttpClient https = client.client(Duration.ofSeconds(5));
        HttpRequest.Builder query = HttpRequest.newBuilder(URI.create(url + "/v1/query"))
                .POST(HttpRequest.BodyPublishers.ofString("SELECT node_id FROM cost"));

        assertThat(https.send(query.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = https.send(query.copy().header("Authorization", "Bearer not-" + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        HttpResponse<String> answered = https.send(client.authorize(query.copy()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).contains("n1");
        assertThat(https.send(HttpRequest.newBuilder(URI.create(url + "/v1/tables")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(https.send(HttpRequest.newBuilder(URI.create(url + "/v1/nodes/n1/windows")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(https.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("health stays open").isEqualTo(200);
    }

    @Test
    void shouldSpeakOnlyTlsToClientsThatTrustItsCertificate() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(url.replace("https", "http")
                + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                HttpResponse.BodyHandlers.ofString())).as("the JVM's default trust does not know this authority")
                .isInstanceOf(SSLHandshakeException.class);
    }
}
