package io.bridgewatch.launcher.service;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.bridgewatch.config.StartupException;
import io.bridgewatch.streams.query.BearerToken;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServerBuilder;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import java.util.Optional;

/**
 * A process's OpenTelemetry meters, served for Prometheus on {@code host:port/metrics} (port 0: not served), to
 * scrapers showing the bearer token when there is one (Prometheus: {@code authorization: credentials_file}).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final SdkMeterProvider provider;

    private MetricsEndpoint(SdkMeterProvider provider) {
        this.provider = provider;
    }

    /** @throws StartupException when the port cannot be bound */
    public static MetricsEndpoint serve(String host, int port) {
        return serve(host, port, Optional.empty());
    }

    /** @throws StartupException when the port cannot be bound */
    public static MetricsEndpoint serve(String host, int port, Optional<BearerToken> token) {
        SdkMeterProviderBuilder builder = SdkMeterProvider.builder();
        if (port > 0) {
            try {
                PrometheusHttpServerBuilder server = PrometheusHttpServer.builder().setHost(host).setPort(port);
                token.ifPresent(t -> server.setAuthenticator(new BearerAuthenticator(t)));
                builder.registerMetricReader(server.build());
            } catch (RuntimeException e) {
                throw new StartupException(StartupException.Reason.PORT, "cannot serve metrics on " + host + ":"
                        + port + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
        }
        return new MetricsEndpoint(builder.build());
    }

    /** "; metrics at URL" for a start line, or nothing when the endpoint is off. */
    public static String describe(String host, int port) {
        return port > 0 ? "; metrics at http://" + host + ":" + port + "/metrics" : "";
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
        provider.close();
    }
}
