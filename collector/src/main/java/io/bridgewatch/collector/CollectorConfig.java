package io.bridgewatch.collector;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of one collector.
 *
 * @param queueCapacity events held between the source and the producer; beyond it events are dropped and counted,
 *     so the source (a CUDA application) is never blocked
 * @param closeTimeout how long close() waits to hand over what is still queued
 * @param producerOverrides producer settings on top of the collector's own (e.g. security settings)
 */
public record CollectorConfig(String bootstrapServers, int queueCapacity, Duration closeTimeout, String clientId,
        Map<String, String> producerOverrides) {
    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    public CollectorConfig(String bootstrapServers, int queueCapacity, Duration closeTimeout, String clientId) {
        this(bootstrapServers, queueCapacity, closeTimeout, clientId, Map.of());
    }

    public CollectorConfig {
        producerOverrides = Map.copyOf(producerOverrides);
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must be given");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + queueCapacity);
        }
    }

    public static CollectorConfig defaults(String bootstrapServers, String clientId) {
        return new CollectorConfig(bootstrapServers, DEFAULT_QUEUE_CAPACITY, DEFAULT_CLOSE_TIMEOUT, clientId);
    }
}
