package io.bridgewatch.streams.concurrency;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.streams.cost.CrossingCost;
import io.bridgewatch.streams.cost.StreamTails;
import io.bridgewatch.streams.window.ObjectCacheStore;
import io.bridgewatch.streams.window.WindowStarts;

/**
 * Copy and kernel intervals cut at node-window boundaries, each piece to be filed in the window of its start. Without
 * GPU times a copy's interval starts no earlier than the host saw the previous copy on the stream done, which this
 * keeps per stream in the host-tails store.
 */
public final class WorkIntervals {
    private final long windowNs;
    private final StreamTails hostTails;
    /** The latest event's whole interval and its pieces, reused from event to event. */
    private final IntervalSample whole = new IntervalSample();
    private final IntervalPieces pieces = new IntervalPieces();
    private final WindowStarts windows;

    /** Over the host tails of a task being initialized (see {@link StreamTails}). */
    public WorkIntervals(long windowNs, ObjectCacheStore<Long> hostTailsStore) {
        this.windowNs = windowNs;
        this.windows = new WindowStarts(windowNs);
        this.hostTails = new StreamTails(hostTailsStore);
    }

    /** The copy's interval pieces: valid until the next call (the pieces are reused). */
    public IntervalPieces of(Crossing c) {
        long prior = CrossingCost.NONE;
        if (CrossingCost.formOf(c) == CostForm.CPU_ONLY) {
            prior = hostTails.get(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId());
            hostTails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(),
                    Intervals.hostDoneNs(c));
        }
        Intervals.splitByWindow(Intervals.of(c, prior, whole), windowNs, windows, pieces);
        return pieces;
    }

    /** The kernel's interval pieces (none without GPU times): valid until the next call. */
    public IntervalPieces of(KernelExec k) {
        IntervalSample interval = Intervals.of(k, whole);
        if (interval == null) {
            pieces.clear();
        } else {
            Intervals.splitByWindow(interval, windowNs, windows, pieces);
        }
        return pieces;
    }
}
