package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;

/**
 * Async revocation (DESIGN 4.2): whether an async copy held its thread until the copy was done. With GPU times, the
 * call did not return before the copy finished ({@code b >= e - eps}); without them, its host duration exceeds
 * {@code max(50 us, 10 x the reference p99 of async calls)}.
 */
public final class AsyncBlocking {
    /** Clock skew between host and GPU timestamps tolerated when comparing b with e. */
    static final long GPU_EPSILON_NS = 1_000;
    /** Without GPU times an async call that held its thread longer than this blocked, whatever the reference. */
    static final long CPU_FLOOR_NS = 50_000;

    private final long cpuThresholdNs;

    /** @param referenceAsyncP99Ns the reference cohort's p99 host duration of async calls (0 when unknown) */
    public AsyncBlocking(long referenceAsyncP99Ns) {
        this.cpuThresholdNs = Math.max(CPU_FLOOR_NS, 10 * referenceAsyncP99Ns);
    }

    /** Whether the async call blocked, or null when the copy was not requested async. */
    public Boolean blocked(Crossing c) {
        if (!c.getAsyncRequested()) {
            return null;
        }
        if (CrossingCost.formOf(c) == CostForm.GPU) {
            return c.getApiEndNs() >= c.getGpuEndNs() - GPU_EPSILON_NS;
        }
        return c.getApiEndNs() - c.getApiStartNs() > cpuThresholdNs;
    }

    public long cpuThresholdNs() {
        return cpuThresholdNs;
    }
}
