package io.bridgewatch.collector;

import io.bridgewatch.schema.serde.NodeEventBatchEncoder;
import io.bridgewatch.schema.topics.Topics;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Packs a node's encoded events, in the order added, into node event batches of at most {@code maxEvents} events
 * and about {@code maxBytes}; each event carries a token (a spool sequence, or when it was handed over) that comes
 * back with its batch, so that the caller can account for every event the batch's acknowledgement covers.
 * Not thread-safe: one sender thread owns it.
 */
public final class NodeEventBatcher {
    /** A full (or flushed) batch as a record of the node events topic, with its events' tokens in order. */
    public record Batch(ProducerRecord<String, byte[]> record, long[] tokens) {
        public int events() {
            return tokens.length;
        }
    }

    /** Bytes a batch takes beyond its events: the header, the node id and the array's length prefixes. */
    private static final int OVERHEAD_BYTES = 64;
    private static final int PER_EVENT_OVERHEAD_BYTES = 5;

    private final CollectorConfig.Batching limits;
    /** The batch so far, each event written once where it goes in the record. */
    private final NodeEventBatchEncoder events = new NodeEventBatchEncoder();
    private long[] tokens = new long[64];
    private String key;
    private int bytes;
    private long firstAddedNanos;

    public NodeEventBatcher(CollectorConfig.Batching limits) {
        this.limits = limits;
    }

    /** Whether the event can join the batch: the same node, and room for it (an empty batch takes any event). */
    public boolean fits(String eventKey, byte[] event) {
        return isEmpty() || eventKey.equals(key) && events.count() < limits.maxEvents()
                && bytes + event.length + PER_EVENT_OVERHEAD_BYTES <= limits.maxBytes();
    }

    /** Adds an event; the caller checked {@link #fits} (and drained the batch when it did not). */
    public void add(String eventKey, byte[] event, long token) {
        if (isEmpty()) {
            key = eventKey;
            bytes = OVERHEAD_BYTES + eventKey.length();
            firstAddedNanos = System.nanoTime();
        }
        if (events.count() == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[events.count()] = token;
        events.add(event);
        bytes += event.length + PER_EVENT_OVERHEAD_BYTES;
    }

    /**
     * Adds an event, handing {@code send} the batch before it when the event does not fit, and the batch with it
     * when that fills it: what a sender that never waits on Kafka's answer does with each event.
     */
    public void offer(String eventKey, byte[] event, long token, Consumer<Batch> send) {
        if (!fits(eventKey, event)) {
            send.accept(drain());
        }
        add(eventKey, event, token);
        if (isFull()) {
            send.accept(drain());
        }
    }

    public boolean isEmpty() {
        return events.count() == 0;
    }

    public boolean isFull() {
        return events.count() >= limits.maxEvents() || bytes >= limits.maxBytes();
    }

    /** Whether the oldest event has waited the linger. */
    public boolean isDue(long nowNanos) {
        return !isEmpty() && nowNanos - firstAddedNanos >= limits.linger().toNanos();
    }

    public int maxEvents() {
        return limits.maxEvents();
    }

    /** Forgets the events added since the last drain. */
    public void clear() {
        events.clear();
        bytes = 0;
    }

    /** The batch so far as one record; the batcher is empty afterwards. */
    public Batch drain() {
        long[] drainedTokens = Arrays.copyOf(tokens, events.count());
        Batch drained = new Batch(new ProducerRecord<>(Topics.NODE_EVENTS, key, events.finish(key)), drainedTokens);
        bytes = 0;
        return drained;
    }
}
