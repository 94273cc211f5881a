package io.bridgewatch.launcher.service;

import io.bridgewatch.config.StartupException;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;

/** A process's OpenTelemetry meters, served for Prometheus on {@code host:port/metrics} (port 0: not served). */
public final class MetricsEndpoint implements AutoCloseable {
    private final SdkMeterProvider provider;

    private MetricsEndpoint(SdkMeterProvider provider) {
        this.provider = provider;
    }

    /** @throws StartupException when the port cannot be bound */
    public static MetricsEndpoint serve(String host, int port) {
        SdkMeterProviderBuilder builder = SdkMeterProvider.builder();
        if (port > 0) {
            try {
                builder.registerMetricReader(PrometheusHttpServer.builder().setHost(host).setPort(port).build());
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

    public Meter meter(String scope) {
        return provider.get(scope);
    }

    @Override
    public void close() {
        provider.close();
    }
}
