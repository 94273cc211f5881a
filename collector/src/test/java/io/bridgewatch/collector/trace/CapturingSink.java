package io.bridgewatch.collector.trace;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/** Collects what a source emits; thread-safe, as socket connections hand events over from their own threads. */
public final class CapturingSink implements EventSink {
    public final List<NodeInfo> nodes = new CopyOnWriteArrayList<>();
    public final List<Crossing> crossings = new CopyOnWriteArrayList<>();
    public final List<KernelExec> kernels = new CopyOnWriteArrayList<>();

    @Override
    public void nodeInfo(NodeInfo info) {
        nodes.add(info);
    }

    @Override
    public void crossing(Crossing crossing) {
        crossings.add(crossing);
    }

    @Override
    public void kernel(KernelExec kernel) {
        kernels.add(kernel);
    }

    @Override
    public void serving(ServingSample sample) {
    }
}
