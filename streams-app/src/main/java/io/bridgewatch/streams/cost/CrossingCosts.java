package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.streams.internal.CostSample;
import io.bridgewatch.streams.window.ObjectCacheStore;
import java.util.OptionalLong;

/**
 * Charges each crossing its cost (DESIGN 4.1), using and advancing the per-stream tails, and tells whether an async
 * call blocked (DESIGN 4.2). Copies seen only on the GPU advance the tails and are passed on uncharged, to be counted.
 * Kernels are earlier work on their stream: a copy queued behind one is not charged for the wait.
 */
public final class CrossingCosts {
    private final AsyncBlocking asyncBlocking;
    private final StreamTails tails;

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

    /** The crossing's cost sample, or null for a copy without any times. */
    public CostSample charge(Crossing c) {
        if (!c.getHostCall()) {
            return gpuOnly(c);
        }
        CostForm form = CrossingCost.formOf(c);
        OptionalLong prior = form == CostForm.GPU
                ? tails.get(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId())
                : OptionalLong.empty();
        Boolean asyncBlocked = asyncBlocking.blocked(c);
        OptionalLong cost = CrossingCost.costNs(c, prior, Boolean.TRUE.equals(asyncBlocked));
        if (form == CostForm.GPU) {
            tails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(), c.getGpuEndNs());
        }
        Long gpuDuration = form == CostForm.GPU ? c.getGpuEndNs() - c.getGpuStartNs() : null;
        return new CostSample(c.getGpuIndex(), c.getDirection().name(),
                c.getHostMemory().name(), form.name(), c.getBytes(), cost.isPresent() ? cost.getAsLong() : null,
                gpuDuration, c.getAsyncRequested(), c.getApiEndNs() - c.getApiStartNs(), asyncBlocked,
                c.getContextId(), c.getPhase() == null ? null : c.getPhase().name(), CrossingCost.readyNs(c, prior),
                CrossingCost.doneNs(c), true, c.getBytesKnown());
    }

    /**
     * A copy seen only on the GPU: it occupied its stream (the tail advances) and is counted with its bytes, but no
     * cost is charged, since when it could have started is unknown.
     */
    private CostSample gpuOnly(Crossing c) {
        if (CrossingCost.formOf(c) != CostForm.GPU) {
            return null; // no times at all: nothing a reader emits
        }
        tails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(), c.getGpuEndNs());
        return new CostSample(c.getGpuIndex(), c.getDirection().name(),
                c.getHostMemory().name(), CostForm.GPU.name(), c.getBytes(), null,
                c.getGpuEndNs() - c.getGpuStartNs(), false, 0L, null, c.getContextId(),
                c.getPhase() == null ? null : c.getPhase().name(), c.getGpuStartNs(), c.getGpuEndNs(), false,
                c.getBytesKnown());
    }
}
