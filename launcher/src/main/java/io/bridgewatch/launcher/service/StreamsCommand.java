package io.bridgewatch.launcher.service;

import io.bridgewatch.config.ConfigFileException;
import io.bridgewatch.config.StartupException;
import io.bridgewatch.streams.query.BearerToken;
import io.bridgewatch.streams.query.HttpAccess;
import io.bridgewatch.streams.service.StreamsService;
import io.bridgewatch.streams.service.StreamsServiceConfig;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bridgewatch streams --config FILE}: one streams-app instance against a Kafka cluster. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = {"Runs one streams-app instance against a Kafka cluster until stopped (SIGTERM, Ctrl-C):"
                + " the topology, its query API (POST /v1/query for SQL, GET /v1/tables, /v1/nodes/{node}/windows,"
                + " /v1/cohorts/{cohort}/windows, /v1/instances, /health) and its /metrics. Instances with the same application.id share the"
                + " partitions; see README, 'Run it on a cluster', for every config key.",
                "Every key can be overridden by an environment variable: BRIDGEWATCH_ and the key in upper case,"
                        + " dots as underscores (BRIDGEWATCH_HTTP_PORT)."},
        footer = ServiceMain.EXIT_CODES)
public final class StreamsCommand implements Callable<Integer> {
    @Mixin
    ConfigFileOption config;

    @Override
    public Integer call() throws Exception {
        StreamsServiceConfig settings;
        MetricsEndpoint metrics;
        StreamsService service;
        try {
            settings = StreamsServiceConfig.load(config.file(), System.getenv());
            metrics = MetricsEndpoint.serve(settings.metricsHost(), settings.metricsPort(),
                    settings.metricsTokenFile().map(BearerToken::fromFile),
                    settings.metricsTls().map(k -> new HttpAccess.Store(k.file(), k.password())));
        } catch (ConfigFileException | StartupException | IllegalArgumentException | UncheckedIOException e) {
            return ServiceMain.startFailure("streams", e);
        }
        try (metrics) {
            service = new StreamsService(settings, metrics.meter("bridgewatch-streams"), Clock.systemUTC());
            try {
                service.start();
            } catch (StartupException e) {
                service.close();
                return ServiceMain.startFailure("streams", e);
            }
            System.out.println("Streams instance " + service.instanceName() + " of " + settings.app().applicationId()
                    + " on " + settings.app().bootstrapServers() + "; queries at " + service.queryUrl()
                    + MetricsEndpoint.describe(settings.metricsHost(), settings.metricsPort(),
                    settings.metricsTls().isPresent()));
            return ServiceMain.runUntilStopped("streams", () -> {
                boolean failed = service.awaitStopped();
                service.close();
                if (failed) {
                    System.err.println("bridgewatch streams: the stream threads failed; see the log above");
                    return ServiceMain.FAILED;
                }
                return ServiceMain.OK;
            }, service::close);
        }
    }
}
