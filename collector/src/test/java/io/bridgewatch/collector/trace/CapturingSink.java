package io.bridgewatch.collector.trace;

import io.bridgewatch.collector.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.ArrayList;
import java.util.List;

/** Collects what a reader emits. */
public final class CapturingSink implements EventSink {
    public final List<Crossing> crossings = new ArrayList<>();
    public final List<KernelExec> kernels = new ArrayList<>();

    @Override
    public void nodeInfo(NodeInfo info) {
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
