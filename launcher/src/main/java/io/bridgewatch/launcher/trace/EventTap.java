package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.List;

/** Hands every event to several sinks, and remembers the earliest event time it saw. */
final class EventTap implements EventSink {
    private final List<EventSink> targets;
    private long firstEventNs = Long.MAX_VALUE;

    EventTap(EventSink... targets) {
        this.targets = List.of(targets);
    }

    long firstEventNs() {
        return firstEventNs;
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        targets.forEach(t -> t.nodeInfo(info));
    }

    @Override
    public void crossing(Crossing crossing) {
        firstEventNs = Math.min(firstEventNs, crossing.getApiStartNs());
        targets.forEach(t -> t.crossing(crossing));
    }

    @Override
    public void kernel(KernelExec kernel) {
        firstEventNs = Math.min(firstEventNs, kernel.getApiStartNs());
        targets.forEach(t -> t.kernel(kernel));
    }

    @Override
    public void serving(ServingSample sample) {
        targets.forEach(t -> t.serving(sample));
    }
}
