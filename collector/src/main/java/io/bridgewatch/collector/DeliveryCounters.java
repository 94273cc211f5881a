package io.bridgewatch.collector;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import java.util.concurrent.atomic.AtomicLong;

/** What Kafka did with a collector's events: acknowledged (and how long that took) or refused for good. */
public final class DeliveryCounters {
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final DoubleHistogram latency;
    private final Attributes attributes;

    DeliveryCounters(DoubleHistogram latency, Attributes attributes) {
        this.latency = latency;
        this.attributes = attributes;
    }

    /** An event acknowledged; {@code handedAtNanos} is when it was given to the producer. */
    public void acknowledged(long handedAtNanos) {
        sent.incrementAndGet();
        latency.record((System.nanoTime() - handedAtNanos) / 1e9, attributes);
    }

    /** Events lost for good. */
    public void failed(long events) {
        failed.addAndGet(events);
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }
}
