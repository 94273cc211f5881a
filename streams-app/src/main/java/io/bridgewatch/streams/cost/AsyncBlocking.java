package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;

/**
 * Async revocation (DESIGN 4.2): whether an async copy held its thread until the copy was done. With GPU times, a
 * call that returned before its copy started ({@code b < s}) did not block; one blocked when it did not return before
 * the copy finished ({@code b >= e - eps}) and it lasted longer than an ordinary enqueue ({@code L > tau}): a tiny
 * copy on a healthy GPU can finish before a slow call returns, and is no revocation. Without GPU times, a call
 * blocked when its host duration exceeds {@code max(50 us, 10 x the reference p99 of async calls)}. Applies to every
 * async call; the headline counts pinned ones only (an async copy from pageable memory is staged and synchronous by
 * CUDA's rules), which the cost windows keep apart by host memory kind.
 */
public final class AsyncBlocking {
    /** Clock skew between host and GPU timestamps tolerated when comparing b with e. */
    static final long GPU_EPSILON_NS = 1_000;
    /** Without GPU times an async call that held its thread longer than this blocked, whatever the reference. */
    static final long CPU_FLOOR_NS = 50_000;
    /** What an ordinary enqueue may cost at most when the reference says nothing (tau's floor). */
    static final long ENQUEUE_FLOOR_NS = 20_000;

    private final long cpuThresholdNs;
    /** tau: how long an ordinary (unblocked) enqueue may take. */
    private final long enqueueNs;

    /** @param referenceAsyncP99Ns the reference cohort's p99 host duration of async calls (0 when unknown) */
    public AsyncBlocking(long referenceAsyncP99Ns) {
        this.cpuThresholdNs = Math.max(CPU_FLOOR_NS, 10 * referenceAsyncP99Ns);
        this.enqueueNs = Math.max(ENQUEUE_FLOOR_NS, 5 * referenceAsyncP99Ns);
    }

    /** Whether the async call blocked, or null when the copy was not requested async. */
    public Boolean blocked(Crossing c) {
        if (!c.getAsyncRequested()) {
            return null;
        }
        long hostNs = c.getApiEndNs() - c.getApiStartNs();
        if (CrossingCost.formOf(c) == CostForm.GPU) {
            if (c.getApiEndNs() < c.getGpuStartNs()) {
                return false;
            }
            return c.getApiEndNs() >= c.getGpuEndNs() - GPU_EPSILON_NS && hostNs > enqueueNs;
        }
        return hostNs > cpuThresholdNs;
    }
}
