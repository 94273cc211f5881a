package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.streams.offline.OfflinePipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@code bridgewatch analyze} found in a trace: the topology's own result records, for the analysed node,
 * picked from the two runs of {@link TraceAnalysis}.
 *
 * @param crossings trace-wide cost rows, one per (gpu, direction, host memory kind, form)
 * @param concurrency per window, per (gpu, context) and per gpu across its contexts (context null)
 * @param comparison the analysed trace against the reference; null without one
 * @param parity per kernel compute parity against the reference; empty without one
 * @param lateEvents events the windowed run received after their window had closed (dead-lettered there)
 */
public record TraceReport(Path trace, TraceSummary summary, Path reference, TraceSummary referenceSummary,
        Duration window, List<BridgeCostWindow> crossings, List<ConcurrencyWindow> concurrency,
        List<PhaseOccurrence> phases, CohortComparison comparison, List<ComputeParity> parity, long lateEvents) {

    static TraceReport of(Path trace, TraceSummary summary, Path reference, TraceSummary referenceSummary,
            Duration window, OfflinePipeline.Results whole, OfflinePipeline.Results overTime) {
        List<BridgeCostWindow> crossings = whole.costs().stream()
                .filter(c -> c.getNodeId().toString().equals(TraceAnalysis.NODE))
                .sorted(Comparator.comparing((BridgeCostWindow c) -> c.getGpuIndex())
                        .thenComparing(c -> c.getDirection().ordinal())
                        .thenComparing(c -> c.getHostMemory().ordinal()))
                .toList();
        List<ConcurrencyWindow> concurrency = overTime.concurrency().stream()
                .filter(c -> c.getNodeId().toString().equals(TraceAnalysis.NODE))
                .sorted(Comparator.comparing(ConcurrencyWindow::getWindowStartNs)
                        .thenComparing(ConcurrencyWindow::getGpuIndex)
                        .thenComparing(c -> c.getContextId() == null ? Long.MAX_VALUE : c.getContextId()))
                .toList();
        List<PhaseOccurrence> phases = overTime.phases().stream()
                .filter(p -> p.getNodeId().toString().equals(TraceAnalysis.NODE))
                .sorted(Comparator.comparing(PhaseOccurrence::getStartNs)).toList();
        CohortComparison comparison = reference == null ? null : whole.comparisons().stream()
                .filter(c -> !c.getVariant().toString().equals("reference")).findFirst().orElse(null);
        List<ComputeParity> parity = reference == null ? List.of() : whole.parity().stream()
                .sorted(Comparator.comparing(ComputeParity::getLaunches).reversed()).toList();
        long late = overTime.deadLetters().stream().filter(d -> "late".contentEquals(d.getStage())).count();
        return new TraceReport(trace, summary, reference, referenceSummary, window, crossings, concurrency, phases,
                comparison, parity, late);
    }

    /** Async calls and how many blocked, over the crossing rows of one host memory kind. */
    public record AsyncTotals(long calls, long blocked, Double blockedFraction, Double hostBlockedMeanS) {
    }

    /**
     * Async revocation's headline (DESIGN 4.2): async copies from pinned memory. Those from pageable memory are
     * staged and synchronous by CUDA's rules, CC or not: {@link #async(HostMemoryKind)} with PAGEABLE, reported
     * apart.
     */
    public AsyncTotals pinnedAsync() {
        return async(HostMemoryKind.PINNED);
    }

    public AsyncTotals async(HostMemoryKind hostMemory) {
        long calls = 0;
        long blocked = 0;
        double blockedSeconds = 0;
        for (BridgeCostWindow c : crossings) {
            if (c.getHostMemory() != hostMemory) {
                continue;
            }
            calls += c.getAsyncCalls();
            blocked += c.getAsyncBlocked();
            if (c.getAsyncHostBlockedMeanS() != null) {
                blockedSeconds += c.getAsyncHostBlockedMeanS() * c.getAsyncCalls();
            }
        }
        return new AsyncTotals(calls, blocked, calls == 0 ? null : (double) blocked / calls,
                calls == 0 ? null : blockedSeconds / calls);
    }

    /** Small-crossing slowdown per direction (empty without a reference). */
    public Map<String, Double> smallCrossingSlowdown() {
        return comparison == null || comparison.getSmallCrossingSlowdown() == null ? Map.of()
                : new TreeMap<>(comparison.getSmallCrossingSlowdown().entrySet().stream().collect(
                        Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue)));
    }

}
