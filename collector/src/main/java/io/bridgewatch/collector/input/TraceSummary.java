package io.bridgewatch.collector.input;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a trace reader produced, and what it could not pair: GPU activities whose host call is not in the trace
 * (the profiler started after the launch) and host calls whose GPU side never came (it stopped before).
 *
 * @param facts what the trace says about its machine, for the NodeInfo of an imported trace
 * @param damage null for input read to its end; else why reading stopped early (a truncated or corrupt agent
 *     stream), everything valid before that point having been emitted
 * @param skipped events read but not used, counted by why (an event kind or category the reader does not use, a
 *     GPU activity it cannot convert), so that nothing in a trace disappears without a count
 * @param withoutHostCall of the GPU activities without their host call (emitted as seen only on the GPU, and
 *     counted in unmatchedGpuActivities), how many for each reason the reader could tell
 */
public record TraceSummary(long crossings, long kernels, long memsets, long unmatchedGpuActivities,
        long unmatchedHostCalls, long phaseRanges, TraceFacts facts, String damage, Map<String, Long> skipped,
        Map<String, Long> withoutHostCall) {

    public TraceSummary {
        skipped = Collections.unmodifiableSortedMap(new TreeMap<>(skipped));
        withoutHostCall = Collections.unmodifiableSortedMap(new TreeMap<>(withoutHostCall));
    }

    public TraceSummary(long crossings, long kernels, long memsets, long unmatchedGpuActivities,
            long unmatchedHostCalls, long phaseRanges, TraceFacts facts, String damage) {
        this(crossings, kernels, memsets, unmatchedGpuActivities, unmatchedHostCalls, phaseRanges, facts, damage,
                Map.of(), Map.of());
    }

    public TraceSummary(long crossings, long kernels, long memsets, long unmatchedGpuActivities,
            long unmatchedHostCalls, long phaseRanges, TraceFacts facts) {
        this(crossings, kernels, memsets, unmatchedGpuActivities, unmatchedHostCalls, phaseRanges, facts, null);
    }

    public long events() {
        return crossings + kernels + memsets;
    }
}
