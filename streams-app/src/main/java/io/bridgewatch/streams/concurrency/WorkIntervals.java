package io.bridgewatch.streams.concurrency;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.streams.cost.CrossingCost;
import io.bridgewatch.streams.cost.StreamTails;
import io.bridgewatch.streams.internal.IntervalSample;
import io.bridgewatch.streams.window.ObjectCacheStore;
import java.util.List;

/**
 * Copy and kernel intervals cut at node-window boundaries, each piece to be filed in the window of its start. Without
 * GPU times a copy's interval starts no earlier than the host saw the previous copy on the stream done, which this
 * keeps per stream in the host-tails store.
 */
public final class WorkIntervals {
    private final long windowNs;
    private final StreamTails hostTails;

    /** Over the host tails of a task being initialized (see {@link StreamTails}). */
    public WorkIntervals(long windowNs, ObjectCacheStore<Long> hostTailsStore) {
        this.windowNs = windowNs;
        this.hostTails = new StreamTails(hostTailsStore);
    }

    public List<IntervalSample> of(Crossing c) {
        long prior = CrossingCost.NONE;
        if (CrossingCost.formOf(c) == CostForm.CPU_ONLY) {
            prior = hostTails.get(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId());
            hostTails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(),
                    Intervals.hostDoneNs(c));
        }
        return Intervals.splitByWindow(Intervals.of(c, prior), windowNs);
    }

    public List<IntervalSample> of(KernelExec k) {
        return Intervals.of(k).map(interval -> Intervals.splitByWindow(interval, windowNs)).orElse(List.of());
    }
}
