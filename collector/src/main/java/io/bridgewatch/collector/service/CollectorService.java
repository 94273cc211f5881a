package io.bridgewatch.collector.service;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorStats;
import io.bridgewatch.collector.agent.AgentSocketServer;
import io.bridgewatch.collector.redact.RedactingSink;
import io.bridgewatch.collector.serving.ServingScrapeLoop;
import io.bridgewatch.config.StartupException;
import io.bridgewatch.schema.EventSink;
import io.opentelemetry.api.metrics.Meter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's collector as a service: the agent's Unix socket, the serving-engine scrape, and the producer behind
 * them, with the collector's own metrics (sent, dropped, failed, queue depth, send latency) on the given meter. It
 * starts whether or not Kafka answers (the producer retries; the agent is never kept waiting), and a stop flushes
 * what is queued within the close timeout.
 */
public final class CollectorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorService.class);
    private final CollectorServiceConfig config;
    private final Meter meter;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Collector collector;
    private AgentSocketServer socket;

    public CollectorService(CollectorServiceConfig config, Meter meter) {
        this.config = config;
        this.meter = meter;
    }

    /** @throws StartupException when the agent socket cannot be bound */
    public void start() {
        collector = new Collector(config.nodeId(), config.producer(), meter);
        resources.add(0, collector);
        EventSink outgoing = RedactingSink.around(collector, config.redaction());
        try {
            socket = new AgentSocketServer(config.agentSocket(), config.nodeId(), config.labels(), outgoing,
                    config.agentPeers());
        } catch (UncheckedIOException e) {
            close();
            throw new StartupException(StartupException.Reason.PORT, e.getMessage());
        }
        resources.add(0, socket);
        if (config.servingUrl() != null) {
            resources.add(0, new ServingScrapeLoop(config.nodeId(), config.servingUrl(), config.servingInterval(),
                    outgoing));
        }
        LOG.info("collector of node {} listening on {}, producing to {}; redaction: {}", config.nodeId(),
                socket.socket(), config.producer().bootstrapServers(), config.redaction());
    }

    public AgentSocketServer socket() {
        return socket;
    }

    public CollectorStats stats() {
        return collector.stats();
    }

    /** Stops taking new events, then hands what is queued to Kafka (up to the close timeout) and closes. */
    @Override
    public synchronized void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("while stopping {}: {}", resource.getClass().getSimpleName(), e.getMessage());
            }
        }
        resources.clear();
    }
}
