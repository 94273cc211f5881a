package io.bridgewatch.launcher.trace;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.List;

/** Hands every event to several sinks, and remembers the earliest and latest event times it saw. */
final class EventTap implements EventSink {
    private final List<EventSink> targets;
    private long firstEventNs = Long.MAX_VALUE;
    private long lastEventNs = Long.MIN_VALUE;

    EventTap(EventSink... targets) {
        this.targets = List.of(targets);
    }

    long firstEventNs() {
        return firstEventNs;
    }

    long lastEventNs() {
        return lastEventNs;
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        targets.forEach(t -> t.nodeInfo(info));
    }

    @Override
    public void crossing(Crossing crossing) {
        firstEventNs = Math.min(firstEventNs, crossing.getApiStartNs());
        lastEventNs = Math.max(lastEventNs, crossing.getApiStartNs());
        targets.forEach(t -> t.crossing(crossing));
    }

    @Override
    public void kernel(KernelExec kernel) {
        firstEventNs = Math.min(firstEventNs, kernel.getApiStartNs());
        lastEventNs = Math.max(lastEventNs, kernel.getApiStartNs());
        targets.forEach(t -> t.kernel(kernel));
    }

    @Override
    public void serving(ServingSample sample) {
        targets.forEach(t -> t.serving(sample));
    }
}
