package io.bridgewatch.streams.cohort;

import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.internal.CohortSample;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Adds the node's cohort and variant to a sample from the node-info store. The nodes topic is co-partitioned with
 * the event topics (key = node id), so the store of this task holds the facts of this task's nodes. Samples of a
 * node without facts pass on without a cohort (the topology sends them to the dead-letter topic).
 */
public final class NodeEnricher implements FixedKeyProcessor<String, CohortSample, CohortSample> {
    private FixedKeyProcessorContext<String, CohortSample> context;
    private KeyValueStore<String, NodeInfo> nodes;

    @Override
    public void init(FixedKeyProcessorContext<String, CohortSample> context) {
        this.context = context;
        this.nodes = context.getStateStore(StoreNames.NODE_INFO);
    }

    @Override
    public void process(FixedKeyRecord<String, CohortSample> record) {
        context.forward(record.withValue(CohortSamples.enrich(record.value(), nodes.get(record.key()))));
    }
}
