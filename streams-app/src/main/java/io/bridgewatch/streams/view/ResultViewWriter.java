package io.bridgewatch.streams.view;

import java.util.function.ToLongFunction;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Keeps each final result in its result view, under its key and the start of its window, and passes it on
 * unchanged. Written only here, on the stream thread that owns the partition.
 */
public final class ResultViewWriter<V> implements FixedKeyProcessor<String, V, V> {
    private static final long NS_PER_MS = 1_000_000L;
    private final String storeName;
    private final ToLongFunction<V> startNs;
    private FixedKeyProcessorContext<String, V> context;
    private WindowStore<String, V> view;

    /** @param startNs the start of the result's window (or occurrence), nanoseconds since the epoch */
    public ResultViewWriter(String storeName, ToLongFunction<V> startNs) {
        this.storeName = storeName;
        this.startNs = startNs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.view = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.key() != null && record.value() != null) {
            view.put(record.key(), record.value(), Math.floorDiv(startNs.applyAsLong(record.value()), NS_PER_MS));
        }
        context.forward(record);
    }
}
