package io.bridgewatch.streams.concurrency;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.streams.cost.CrossingCost;
import io.bridgewatch.streams.window.WindowStarts;

/**
 * The intervals concurrency is measured over (DESIGN 4.3): a copy's GPU interval when it has one, else its host
 * interval (through the synchronization that waited for it, when one did), started no earlier than the host saw
 * the previous copy on its stream done (a stream runs its work in order, so the time before that was queueing,
 * not crossing); a kernel's GPU interval (kernels without GPU times say nothing about overlap).
 */
public final class Intervals {
    private Intervals() {
    }

    /**
     * The copy's interval into {@code into}.
     *
     * @param priorHostDoneNs when the host saw the previous copy on this stream done (CPU-only form), or
     *     {@link CrossingCost#NONE}
     */
    static IntervalSample of(Crossing c, long priorHostDoneNs, IntervalSample into) {
        boolean gpu = CrossingCost.formOf(c) == CostForm.GPU;
        long end = gpu ? c.getGpuEndNs() : hostDoneNs(c);
        long start = gpu ? c.getGpuStartNs()
                : Math.max(c.getApiStartNs(), Math.min(end, priorHostDoneNs));
        return into.set(c.getGpuIndex(), c.getContextId(), c.getStreamId(), false,
                gpu ? CostForm.GPU.name() : CostForm.CPU_ONLY.name(), start, Math.max(start, end),
                Math.max(0, end - start), c.getApiStartNs());
    }

    /** When the host knew the copy was done: its return, or the synchronization that waited for it. */
    public static long hostDoneNs(Crossing c) {
        return Math.max(c.getApiEndNs(), c.getHostSyncEndNs() == null ? 0 : c.getHostSyncEndNs());
    }

    /** The kernel's GPU interval into {@code into}, or null when it has no GPU times. */
    static IntervalSample of(KernelExec k, IntervalSample into) {
        if (k.getGpuStartNs() == null || k.getGpuEndNs() == null) {
            return null;
        }
        return into.set(k.getGpuIndex(), k.getContextId(), k.getStreamId(), true, CostForm.GPU.name(),
                k.getGpuStartNs(), Math.max(k.getGpuStartNs(), k.getGpuEndNs()), 0L, k.getApiStartNs());
    }

    /**
     * The interval cut at window boundaries (windows of {@code windowNs} aligned to the epoch, {@code windows} of that
     * size) into {@code pieces}, so that each window measures only its own part; the whole copy's length travels with
     * the first piece only.
     */
    static void splitByWindow(IntervalSample sample, long windowNs, WindowStarts windows, IntervalPieces pieces) {
        pieces.clear();
        long start = sample.getStartNs();
        long end = sample.getEndNs();
        boolean first = true;
        do {
            long windowEnd = windows.startOf(start) + windowNs;
            if (windowEnd <= start) {
                windowEnd = Long.MAX_VALUE; // the last window a long holds: its end overflowed
            }
            long pieceEnd = Math.min(end, windowEnd);
            pieces.add().set(sample.getGpuIndex(), sample.getContextId(), sample.getStreamId(), sample.getKernel(),
                    sample.getForm(), start, pieceEnd, first ? sample.getCopyLengthNs() : 0L,
                    sample.getRecordTimeNs());
            first = false;
            start = pieceEnd;
        } while (start < end);
    }
}
