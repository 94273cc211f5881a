package io.bridgewatch.launcher.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.streams.query.BearerToken;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** /metrics behind a bearer token: a scrape without it gets 401, one with it the meters. */
class MetricsEndpointTest {
    private static final String TOKEN = "scrape-token-0123456789";

    @Test
    void shouldServeOnlyScrapesThatShowTheToken() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (MetricsEndpoint endpoint = MetricsEndpoint.serve("127.0.0.1", port,
                Optional.of(BearerToken.of(TOKEN)))) {
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
}
