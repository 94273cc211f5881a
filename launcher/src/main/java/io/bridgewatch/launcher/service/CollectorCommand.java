package io.bridgewatch.launcher.service;

import io.bridgewatch.collector.CollectorStats;
import io.bridgewatch.collector.service.CollectorService;
import io.bridgewatch.collector.service.CollectorServiceConfig;
import io.bridgewatch.config.ConfigFileException;
import io.bridgewatch.config.StartupException;
import io.bridgewatch.streams.query.BearerToken;
import io.bridgewatch.streams.query.HttpAccess;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bridgewatch collector --config FILE}: the node service on a confidential VM. */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Runs a node's collector until stopped (SIGTERM, Ctrl-C): the native agent's Unix socket,"
                + " the serving engine's scrape, the producer to Kafka, and the collector's own /metrics (events"
                + " sent, dropped, failed, queue depth, send latency). A stop flushes what is queued. See README,"
                + " 'Run it on a cluster', for every config key.",
                "Every key can be overridden by an environment variable: BRIDGEWATCH_ and the key in upper case,"
                        + " dots as underscores (BRIDGEWATCH_NODE_ID)."},
        footer = ServiceMain.EXIT_CODES)
public final class CollectorCommand implements Callable<Integer> {
    @Mixin
    ConfigFileOption config;

    @Override
    public Integer call() throws Exception {
        CollectorServiceConfig settings;
        MetricsEndpoint metrics;
        try {
            settings = CollectorServiceConfig.load(config.file(), System.getenv());
            metrics = MetricsEndpoint.serve(settings.metricsHost(), settings.metricsPort(),
                    settings.metricsTokenFile().map(BearerToken::fromFile),
                    settings.metricsTls().map(k -> new HttpAccess.Store(k.file(), k.password())));
        } catch (ConfigFileException | StartupException | IllegalArgumentException | UncheckedIOException e) {
            return ServiceMain.startFailure("collector", e);
        }
        try (metrics) {
            CollectorService service = new CollectorService(settings, metrics.meter("bridgewatch-collector"));
            try {
                service.start();
            } catch (StartupException | java.io.UncheckedIOException | IllegalStateException e) {
                // Also: the spool folder cannot be written, or another collector holds it.
                return ServiceMain.startFailure("collector", e);
            }
            System.out.println("Collector of node " + settings.nodeId() + ": agent socket " + service.socket().socket()
                    + ", producing to " + settings.producer().bootstrapServers()
                    + (settings.servingUrl() != null ? ", scraping " + settings.servingUrl() : "")
                    + MetricsEndpoint.describe(settings.metricsHost(), settings.metricsPort(),
                    settings.metricsTls().isPresent()));
            CountDownLatch stop = new CountDownLatch(1);
            return ServiceMain.runUntilStopped("collector", () -> {
                stop.await();
                service.close();
                CollectorStats stats = service.stats();
                System.out.println("Collector stopped: " + stats.sent() + " events sent, " + stats.dropped()
                        + " dropped, " + stats.failed() + " failed");
                return stats.failed() > 0 ? ServiceMain.FAILED : ServiceMain.OK;
            }, stop::countDown);
        }
    }
}
