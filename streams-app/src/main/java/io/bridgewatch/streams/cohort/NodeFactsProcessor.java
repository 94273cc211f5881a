package io.bridgewatch.streams.cohort;

import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.streams.StoreNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the latest NodeInfo of each node of this partition in the node-info store (a tombstone forgets it). */
public final class NodeFactsProcessor implements Processor<String, NodeInfo, Void, Void> {
    private KeyValueStore<String, NodeInfo> nodes;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        nodes = context.getStateStore(StoreNames.NODE_INFO);
    }

    @Override
    public void process(Record<String, NodeInfo> record) {
        if (record.value() == null) {
            nodes.delete(record.key());
        } else {
            nodes.put(record.key(), record.value());
        }
    }
}
