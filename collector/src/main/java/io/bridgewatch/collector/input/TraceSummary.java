package io.bridgewatch.collector.input;

/**
 * What a trace reader produced, and what it could not pair: GPU activities whose host call is not in the trace
 * (the profiler started after the launch) and host calls whose GPU side never came (it stopped before).
 *
 * @param facts what the trace says about its machine, for the NodeInfo of an imported trace
 * @param damage null for input read to its end; else why reading stopped early (a truncated or corrupt agent
 *     stream), everything valid before that point having been emitted
 */
public record TraceSummary(long crossings, long kernels, long memsets, long unmatchedGpuActivities,
        long unmatchedHostCalls, long phaseRanges, TraceFacts facts, String damage) {

    public TraceSummary(long crossings, long kernels, long memsets, long unmatchedGpuActivities,
            long unmatchedHostCalls, long phaseRanges, TraceFacts facts) {
        this(crossings, kernels, memsets, unmatchedGpuActivities, unmatchedHostCalls, phaseRanges, facts, null);
    }

    public long events() {
        return crossings + kernels + memsets;
    }
}
