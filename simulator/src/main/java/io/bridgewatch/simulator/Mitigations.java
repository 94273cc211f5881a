package io.bridgewatch.simulator;

import java.util.Set;

/** The mitigations the simulator models, by the names NodeInfo carries. */
public final class Mitigations {
    /** vLLM {@code --no-async-scheduling}: schedule, copy, run and read back one step at a time. */
    public static final String NO_ASYNC_SCHEDULING = "no-async-scheduling";
    /** A worker thread issues and waits for the per-step D2H output copies, off the launch thread. */
    public static final String DRAIN_THREAD = "drain-thread";
    /** Model weights uploaded from pinned buffers through a pool of CUDA contexts, one bridge lane each. */
    public static final String CONTEXT_POOL_LOAD = "context-pool-load";
    /** KV blocks restored in one coalesced crossing instead of one crossing per block. */
    public static final String BATCHED_KV_RESTORE = "batched-kv-restore";

    public static final Set<String> ALL = Set.of(NO_ASYNC_SCHEDULING, DRAIN_THREAD, CONTEXT_POOL_LOAD,
            BATCHED_KV_RESTORE);

    private Mitigations() {
    }
}
