package io.bridgewatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bridgewatch.kafka.embedded.LocalCertificateAuthority;
import io.bridgewatch.streams.query.BearerToken;
import io.bridgewatch.streams.query.HttpAccess;
import io.bridgewatch.streams.query.QueryHttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
    private SqlFixture sql;
    private QueryHttpServer server;
    private HttpAccess client;
    private String url;

    @BeforeEach
    void start() {
        sql = new SqlFixture();

        LocalCertificateAuthority authority = LocalCertificateAuthority.create(dir.resolve("ca"), "query-ca");
        LocalCertificateAuthority.Identity instance = authority.issue("streams-1");
        HttpAccess.Store trust = new HttpAccess.Store(authority.truststore(), authority.truststorePassword());
        HttpAccess serving = new HttpAccess(Optional.of(new HttpAccess.Store(instance.keystore(), instance.password())),
                Optional.of(trust), Optional.of(BearerToken.of(TOKEN)));
        server = new QueryHttpServer(new InetSocketAddress("127.0.0.1", 0), serving);
        server.serve(null, sql.handler, JsonNodeFactory.instance::objectNode, () -> true);
        client = new HttpAccess(Optional.empty(), Optional.of(trust), Optional.of(BearerToken.of(TOKEN)));
        url = "https://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        sql.close();
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
