package io.bridgewatch.streams.cohort;

import io.bridgewatch.streams.internal.CohortSample;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns a node-level record into its cohort sample, stamped with the start of the interval it covers, so that a
 * node window or serving interval falls in the cohort window that contains it.
 */
public final class CohortSampleProcessor<V> implements FixedKeyProcessor<String, V, CohortSample> {
    private static final long NS_PER_MS = 1_000_000;
    private final Function<V, Optional<CohortSample>> toSample;
    private final ToLongFunction<V> startNs;
    private FixedKeyProcessorContext<String, CohortSample> context;

    public CohortSampleProcessor(Function<V, Optional<CohortSample>> toSample, ToLongFunction<V> startNs) {
        this.toSample = toSample;
        this.startNs = startNs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, CohortSample> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.value() == null) {
            return;
        }
        toSample.apply(record.value()).ifPresent(sample -> context.forward(
                record.withValue(sample).withTimestamp(startNs.applyAsLong(record.value()) / NS_PER_MS)));
    }
}
