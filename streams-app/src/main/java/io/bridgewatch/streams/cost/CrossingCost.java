package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;

/**
 * The cost of one crossing (DESIGN 4.1): the time it occupies the path from "could start" to "done", excluding
 * waits for unrelated earlier work.
 *
 * <p>GPU form: {@code ready = max(a, prior_end)}, {@code done = max(b, e)}. CPU-only form: only calls that block
 * the host say something about the bridge: synchronous calls, async calls that did not return at once, and async
 * calls followed by a synchronization of their stream ({@code done = b_sync}).
 */
public final class CrossingCost {
    /** No time or cost known (no real time is this early, no cost negative). */
    public static final long NONE = Long.MIN_VALUE;

    private CrossingCost() {
    }

    public static CostForm formOf(Crossing c) {
        return c.getGpuStartNs() != null && c.getGpuEndNs() != null ? CostForm.GPU : CostForm.CPU_ONLY;
    }

    /**
     * The cost {@code done - ready} in nanoseconds, or {@link #NONE} when the record says nothing about the bridge
     * (CPU-only async call that returned at once with no synchronization after it).
     *
     * @param readyNs {@link #readyNs}
     * @param doneNs {@link #doneNs}
     * @param asyncCallBlocked for an async call, whether it held its thread ({@link AsyncBlocking}, DESIGN 4.2)
     */
    public static long costNs(Crossing c, long readyNs, long doneNs, boolean asyncCallBlocked) {
        if (formOf(c) == CostForm.GPU || c.getHostSyncEndNs() != null || !c.getAsyncRequested()
                || asyncCallBlocked) {
            return Math.max(0, doneNs - readyNs);
        }
        return NONE;
    }

    /**
     * When the crossing could start: {@code max(a, prior_end)} with GPU times, {@code a} without.
     *
     * @param priorEndNs GPU end of the latest work enqueued earlier on the same stream, or {@link #NONE}
     */
    public static long readyNs(Crossing c, long priorEndNs) {
        long a = c.getApiStartNs();
        if (formOf(c) != CostForm.GPU) {
            return a;
        }
        // Work on a stream runs in enqueue order, so nothing enqueued earlier ends after this copy starts; a
        // later tail comes from work processed ahead of this record (same-millisecond events) and is capped.
        long priorEnd = Math.min(priorEndNs == NONE ? a : priorEndNs, c.getGpuStartNs());
        return Math.max(a, priorEnd);
    }

    /** When the crossing was done: {@code max(b, e)} with GPU times, else the return or the synchronization after. */
    public static long doneNs(Crossing c) {
        if (formOf(c) == CostForm.GPU) {
            return Math.max(c.getApiEndNs(), c.getGpuEndNs());
        }
        return c.getHostSyncEndNs() != null ? Math.max(c.getApiEndNs(), c.getHostSyncEndNs()) : c.getApiEndNs();
    }
}
