package io.bridgewatch.collector;

import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of one collector.
 *
 * @param queueCapacity events held between the source and the producer; beyond it events are dropped and counted,
 *     so the source (a CUDA application) is never blocked
 * @param closeTimeout how long close() waits to hand over what is still queued
 * @param producerOverrides producer settings on top of the collector's own (e.g. security settings)
 * @param spool the on-disk queue between the collector and Kafka, or empty to send from memory only
 * @param batching how events are packed into node event batches, or empty to send one record per event to the
 *     per-event topics (for a streams-app older than the batches)
 */
public record CollectorConfig(String bootstrapServers, int queueCapacity, Duration closeTimeout, String clientId,
        Map<String, String> producerOverrides, Optional<Spool> spool, Optional<Batching> batching) {
    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Where and how much the collector spools.
     *
     * @param maxBytes the spool's size on disk; beyond it the oldest events are dropped (and counted)
     * @param segmentBytes the size of one spool file
     * @param maxInFlight spooled events handed to the producer and not yet acknowledged, at most (with batching, a
     *     batch of up to this many): what a fresh producer may write twice after the old one failed
     */
    public record Spool(Path dir, long maxBytes, long segmentBytes, int maxInFlight) {
        public static final long DEFAULT_MAX_BYTES = 1L << 30;
        public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;
        public static final int DEFAULT_MAX_IN_FLIGHT = 2_000;

        public Spool {
            if (maxBytes < 2 * segmentBytes || segmentBytes < 1024 || maxInFlight < 1) {
                throw new IllegalArgumentException("a spool needs at least two segments of 1 KiB or more and room"
                        + " for one event in flight (got " + maxBytes + " bytes, segments of " + segmentBytes + ")");
            }
        }

        /** A spool in {@code dir} of {@code maxBytes}, segments of 1/64 of it (at most 16 MiB). */
        public static Spool of(Path dir, long maxBytes) {
            return new Spool(dir, maxBytes, Math.max(1024, Math.min(DEFAULT_SEGMENT_BYTES, maxBytes / 64)),
                    DEFAULT_MAX_IN_FLIGHT);
        }
    }

    /**
     * How a node's events are packed into one Kafka record each (topic {@code bridgewatch.node-events.v1}): a batch
     * is sent when it holds {@code maxEvents} events or about {@code maxBytes}, or its oldest event has waited
     * {@code linger}. One record per batch keeps a node's copies, kernels and serving samples in one partition in
     * host order, and costs the broker and the streams-app one record per batch instead of per event.
     */
    public record Batching(int maxEvents, int maxBytes, Duration linger) {
        public static final Batching DEFAULT = new Batching(2_000, 512 * 1024, Duration.ofMillis(20));

        public Batching {
            if (maxEvents < 1 || maxBytes < 1024 || linger.isNegative()) {
                throw new IllegalArgumentException("a batch needs room for at least one event and 1 KiB, and a"
                        + " linger of zero or more (got " + maxEvents + " events, " + maxBytes + " bytes, "
                        + linger + ")");
            }
        }
    }

    public CollectorConfig(String bootstrapServers, int queueCapacity, Duration closeTimeout, String clientId) {
        this(bootstrapServers, queueCapacity, closeTimeout, clientId, Map.of(), Optional.empty(),
                Optional.of(Batching.DEFAULT));
    }

    public CollectorConfig(String bootstrapServers, int queueCapacity, Duration closeTimeout, String clientId,
            Map<String, String> producerOverrides) {
        this(bootstrapServers, queueCapacity, closeTimeout, clientId, producerOverrides, Optional.empty(),
                Optional.of(Batching.DEFAULT));
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

    /** The same settings, spooling through {@code spool}. */
    public CollectorConfig withSpool(Spool spool) {
        return new CollectorConfig(bootstrapServers, queueCapacity, closeTimeout, clientId, producerOverrides,
                Optional.of(spool), batching);
    }

    /** The same settings, batching with {@code batching}, or one record per event when empty. */
    public CollectorConfig withBatching(Optional<Batching> batching) {
        return new CollectorConfig(bootstrapServers, queueCapacity, closeTimeout, clientId, producerOverrides,
                spool, batching);
    }

    /**
     * The settings of one of several collectors that share these: its own client id ({@code clientId-suffix}) and,
     * with a spool, its own spool folder ({@code dir/suffix}) of the same size.
     */
    public CollectorConfig forMember(String suffix) {
        return new CollectorConfig(bootstrapServers, queueCapacity, closeTimeout, clientId + "-" + suffix,
                producerOverrides, spool.map(s -> new Spool(s.dir().resolve(suffix), s.maxBytes(), s.segmentBytes(),
                        s.maxInFlight())), batching);
    }

    public static CollectorConfig defaults(String bootstrapServers, String clientId) {
        return new CollectorConfig(bootstrapServers, DEFAULT_QUEUE_CAPACITY, DEFAULT_CLOSE_TIMEOUT, clientId);
    }

    /** The defaults with Kafka client settings on top (a secured cluster's security.protocol, keystores, ...). */
    public static CollectorConfig defaults(String bootstrapServers, String clientId, Map<String, String> client) {
        return new CollectorConfig(bootstrapServers, DEFAULT_QUEUE_CAPACITY, DEFAULT_CLOSE_TIMEOUT, clientId, client);
    }
}
