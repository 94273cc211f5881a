package io.bridgewatch.launcher.service;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpsConfigurator;
import io.bridgewatch.config.StartupException;
import io.bridgewatch.streams.query.BearerToken;
import io.bridgewatch.streams.query.HttpAccess;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Optional;

/**
 * A process's OpenTelemetry meters, served for Prometheus on {@code host:port/metrics} (port 0: not served): over
 * HTTPS when given a keystore, and only to scrapers showing the bearer token when there is one (Prometheus:
 * {@code scheme: https}, {@code tls_config}, {@code authorization: credentials_file}).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final SdkMeterProvider provider;
    private final HTTPServer server;

    private MetricsEndpoint(SdkMeterProvider provider, HTTPServer server) {
        this.provider = provider;
        this.server = server;
    }

    /** @throws StartupException when the port cannot be bound */
    public static MetricsEndpoint serve(String host, int port) {
        return serve(host, port, Optional.empty(), Optional.empty());
    }

    /** @throws StartupException when the port cannot be bound or the keystore not used */
    public static MetricsEndpoint serve(String host, int port, Optional<BearerToken> token,
            Optional<HttpAccess.Store> tls) {
        SdkMeterProviderBuilder builder = SdkMeterProvider.builder();
        HTTPServer server = null;
        if (port > 0) {
            PrometheusMetricReader reader = PrometheusMetricReader.create();
            builder.registerMetricReader(reader);
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(reader);
            try {
                HTTPServer.Builder http = HTTPServer.builder().hostname(host).port(port).registry(registry);
                token.ifPresent(t -> http.authenticator(new BearerAuthenticator(t)));
                tls.ifPresent(store -> http.httpsConfigurator(new HttpsConfigurator(HttpAccess.serverTls(store))));
                server = http.buildAndStart();
            } catch (IOException | RuntimeException e) {
                throw new StartupException(StartupException.Reason.PORT, "cannot serve metrics on " + host + ":"
                        + port + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
        }
        return new MetricsEndpoint(builder.build(), server);
    }

    /** "; metrics at URL" for a start line, or nothing when the endpoint is off. */
    public static String describe(String host, int port, boolean https) {
        return port > 0 ? "; metrics at " + (https ? "https" : "http") + "://" + host + ":" + port + "/metrics" : "";
    }

    /** Lets a scrape through when it shows the token; 401 otherwise. */
    private static final class BearerAuthenticator extends Authenticator {
        private final BearerToken token;

        BearerAuthenticator(BearerToken token) {
            this.token = token;
        }

        @Override
        public Result authenticate(HttpExchange exchange) {
            if (token.admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
                return new Success(new HttpPrincipal("scraper", "bridgewatch"));
            }
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"bridgewatch\"");
            return new Failure(401);
        }
    }

    public Meter meter(String scope) {
        return provider.get(scope);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        provider.close();
    }
}
