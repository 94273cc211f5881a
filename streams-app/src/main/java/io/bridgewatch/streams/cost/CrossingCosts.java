package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.streams.window.ObjectCacheStore;

/**
 * Charges each crossing its cost (DESIGN 4.1), using and advancing the per-stream tails, and tells whether an async
 * call blocked (DESIGN 4.2). Copies seen only on the GPU advance the tails and are passed on uncharged, to be counted.
 * Kernels are earlier work on their stream: a copy queued behind one is not charged for the wait.
 */
public final class CrossingCosts {
    private final AsyncBlocking asyncBlocking;
    private final StreamTails tails;
    private final CostSample sample = new CostSample();

    /** Over the GPU stream tails of a task being initialized (see {@link StreamTails}). */
    public CrossingCosts(AsyncBlocking asyncBlocking, ObjectCacheStore<Long> streamTails) {
        this.asyncBlocking = asyncBlocking;
        this.tails = new StreamTails(streamTails);
    }

    /** A kernel's end advances its stream's tail. */
    public void kernelRan(KernelExec k) {
        if (k.getGpuEndNs() != null) {
            tails.advance(k.getNodeId(), k.getGpuIndex(), k.getContextId(), k.getStreamId(), k.getGpuEndNs());
        }
    }

    /**
     * The crossing's cost sample, or null for a copy without any times. The sample is this object's own, filled anew
     * by the next call: read it before.
     */
    public CostSample charge(Crossing c) {
        CostForm form = CrossingCost.formOf(c);
        if (!c.getHostCall()) {
            return gpuOnly(c, form);
        }
        long prior = form == CostForm.GPU
                ? tails.get(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId())
                : CrossingCost.NONE;
        boolean asyncBlocked = Boolean.TRUE.equals(asyncBlocking.blocked(c));
        long readyNs = CrossingCost.readyNs(c, prior);
        long doneNs = CrossingCost.doneNs(c);
        if (form == CostForm.GPU) {
            tails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(), c.getGpuEndNs());
        }
        return sample.of(c, form).charge(CrossingCost.costNs(c, readyNs, doneNs, asyncBlocked), readyNs, doneNs,
                asyncBlocked);
    }

    /**
     * A copy seen only on the GPU: it occupied its stream (the tail advances) and is counted with its bytes, but no
     * cost is charged, since when it could have started is unknown.
     */
    private CostSample gpuOnly(Crossing c, CostForm form) {
        if (form != CostForm.GPU) {
            return null; // no times at all: nothing a reader emits
        }
        tails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(), c.getGpuEndNs());
        return sample.of(c, form).charge(CrossingCost.NONE, c.getGpuStartNs(), c.getGpuEndNs(), false);
    }
}
