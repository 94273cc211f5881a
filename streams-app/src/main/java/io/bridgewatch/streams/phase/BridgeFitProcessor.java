package io.bridgewatch.streams.phase;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.internal.RouteFit;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps each node's latest toll and bandwidth per route, for the phase predictions. */
public final class BridgeFitProcessor implements Processor<String, BridgeCostWindow, Void, Void> {
    private KeyValueStore<String, RouteFit> fits;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        fits = context.getStateStore(StoreNames.NODE_BRIDGE_FIT);
    }

    @Override
    public void process(Record<String, BridgeCostWindow> record) {
        BridgeCostWindow w = record.value();
        if (w != null && w.getTollS() != null && w.getBandwidthBytesPerS() != null) {
            fits.put(key(w.getNodeId(), w.getGpuIndex(), w.getDirection().name() + "|" + w.getHostMemory().name()),
                    new RouteFit(w.getTollS(), w.getBandwidthBytesPerS()));
        }
    }

    static String key(String node, int gpu, String route) {
        return node + "|" + gpu + "|" + route;
    }
}
