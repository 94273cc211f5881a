package io.bridgewatch.streams.concurrency;

import io.bridgewatch.streams.internal.IntervalSample;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns events into interval pieces, one per node window the interval touches, each stamped with its own start so
 * that the window aggregation files it in the window it belongs to.
 */
public final class IntervalSplitter<V> implements FixedKeyProcessor<String, V, IntervalSample> {
    private static final long NS_PER_MS = 1_000_000;
    private final Function<V, Optional<IntervalSample>> toInterval;
    private final long windowNs;
    private FixedKeyProcessorContext<String, IntervalSample> context;

    public IntervalSplitter(Function<V, Optional<IntervalSample>> toInterval, long windowNs) {
        this.toInterval = toInterval;
        this.windowNs = windowNs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, IntervalSample> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.value() == null) {
            return;
        }
        toInterval.apply(record.value()).ifPresent(interval -> {
            for (IntervalSample piece : Intervals.splitByWindow(interval, windowNs)) {
                context.forward(record.withValue(piece).withTimestamp(piece.getStartNs() / NS_PER_MS));
            }
        });
    }
}
