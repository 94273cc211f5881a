package io.bridgewatch.streams.late;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** {@link LateRecords} as a processor: each record passed on with its verdict, for a split into on time and late. */
public final class LateRecordGate<V> implements FixedKeyProcessor<String, V, Gated<V>> {
    private final LateRecords<V> late;
    private FixedKeyProcessorContext<String, Gated<V>> context;

    public LateRecordGate(LateRecords<V> late) {
        this.late = late;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Gated<V>> context) {
        this.context = context;
        late.init(context);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        context.forward(record.withValue(new Gated<>(record.value(),
                late.check(record.key(), record.value(), record.timestamp()))));
    }
}
