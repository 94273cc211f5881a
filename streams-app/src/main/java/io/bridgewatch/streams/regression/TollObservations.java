package io.bridgewatch.streams.regression;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.cohort.Cohorts;
import io.bridgewatch.streams.internal.TollObservation;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A closed node window's toll, keyed by what it is compared with: cohort, cc mode, direction and host memory.
 * Windows without a toll, or of nodes without facts, say nothing about a regression.
 */
public final class TollObservations implements Processor<String, BridgeCostWindow, String, TollObservation> {
    private ProcessorContext<String, TollObservation> context;
    private KeyValueStore<String, NodeInfo> nodes;

    @Override
    public void init(ProcessorContext<String, TollObservation> context) {
        this.context = context;
        this.nodes = context.getStateStore(StoreNames.NODE_INFO);
    }

    @Override
    public void process(Record<String, BridgeCostWindow> record) {
        BridgeCostWindow w = record.value();
        NodeInfo node = w == null || w.getTollS() == null ? null : nodes.get(w.getNodeId());
        if (node == null) {
            return;
        }
        String cohort = Cohorts.key(node);
        String key = String.join("|", cohort, node.getCcMode().name(), w.getDirection().name(),
                w.getHostMemory().name());
        context.forward(record.withKey(key).withValue(new TollObservation(w.getNodeId(), cohort,
                node.getCcMode().name(), w.getDirection().name(), w.getHostMemory().name(), w.getWindowStartNs(),
                w.getWindowEndNs(), w.getTollS())));
    }
}
