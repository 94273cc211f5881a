package io.bridgewatch.streams.view;

import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.streams.StoreNames;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest provisional comparison of each cohort variant's open window ({@link
 * StoreNames#COHORT_PROVISIONAL_VIEW}, key {@code cohort|variant}) and forgets it when that window's final result
 * (or a later window's) comes; passes every comparison on. What /metrics reads as provisional figures.
 */
public final class ProvisionalComparisons implements FixedKeyProcessor<String, CohortComparison, CohortComparison> {
    private FixedKeyProcessorContext<String, CohortComparison> context;
    private KeyValueStore<String, CohortComparison> view;

    @Override
    public void init(FixedKeyProcessorContext<String, CohortComparison> context) {
        this.context = context;
        this.view = context.getStateStore(StoreNames.COHORT_PROVISIONAL_VIEW);
    }

    @Override
    public void process(FixedKeyRecord<String, CohortComparison> record) {
        CohortComparison comparison = record.value();
        if (comparison != null) {
            String key = comparison.getCohort() + "|" + comparison.getVariant();
            if (comparison.getProvisional()) {
                view.put(key, comparison);
            } else {
                CohortComparison provisional = view.get(key);
                if (provisional != null && provisional.getWindowStartNs() <= comparison.getWindowStartNs()) {
                    view.delete(key);
                }
            }
        }
        context.forward(record);
    }
}
