package io.bridgewatch.launcher.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewatch.kafka.embedded.LocalCertificateAuthority;
import io.bridgewatch.streams.query.BearerToken;
import io.bridgewatch.streams.query.HttpAccess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics behind a bearer token, and over HTTPS: a scrape without the token gets 401, one with it the meters. */
class MetricsEndpointTest {
    private static final String TOKEN = "scrape-token-0123456789";

    @Test
    void shouldServeOnlyScrapesThatShowTheToken() throws Exception {
        int port = freePort();
        try (MetricsEndpoint endpoint = MetricsEndpoint.serve("127.0.0.1", port,
                Optional.of(BearerToken.of(TOKEN)), Optional.empty())) {
            endpoint.meter("test").counterBuilder("bridgewatch_test_total").build().add(3);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest.Builder scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));

            HttpResponse<String> refused = http.send(scrape.build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrong = http.send(scrape.copy().header("Authorization", "Bearer x" + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> served = http.send(scrape.copy().header("Authorization",
                    BearerToken.of(TOKEN).header()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).contains("bridgewatch_test_total{otel_scope_name=\"test\"} 3");
        }
    }

    @Test
    void shouldServeHttpsOnlyWithAKeystore(@TempDir Path dir) throws Exception {
        LocalCertificateAuthority authority = LocalCertificateAuthority.create(dir, "metrics-ca");
        LocalCertificateAuthority.Identity instance = authority.issue("streams-1");
        int port = freePort();
        try (MetricsEndpoint endpoint = MetricsEndpoint.serve("127.0.0.1", port, Optional.of(BearerToken.of(TOKEN)),
                Optional.of(new HttpAccess.Store(instance.keystore(), instance.password())))) {
            endpoint.meter("test").counterBuilder("bridgewatch_test_total").build().add(1);
            HttpAccess scraper = new HttpAccess(Optional.empty(), Optional.of(new HttpAccess.Store(
                    authority.truststore(), authority.truststorePassword())), Optional.of(BearerToken.of(TOKEN)));
            HttpResponse<String> served = scraper.client(Duration.ofSeconds(5)).send(scraper.authorize(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).contains("bridgewatch_test_total");
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
