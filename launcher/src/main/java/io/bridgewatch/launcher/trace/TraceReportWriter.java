package io.bridgewatch.launcher.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.PhaseOccurrence;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link TraceReport} as a readable text report or as JSON (keys documented in the README). */
public final class TraceReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int TOP_KERNELS = 10;

    private TraceReportWriter() {
    }

    public static String json(TraceReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("trace", report.trace().toString());
        root.put("window_s", report.window().toMillis() / 1000.0);
        root.put("gpu_sku", report.summary().facts().gpuSku());
        ObjectNode events = root.putObject("events");
        events.put("crossings", report.summary().crossings());
        events.put("kernels", report.summary().kernels());
        events.put("memsets", report.summary().memsets());
        events.put("unmatched_gpu_activities", report.summary().unmatchedGpuActivities());
        ObjectNode withoutHostCall = events.putObject("without_host_call");
        report.summary().withoutHostCall().forEach(withoutHostCall::put);
        events.put("unmatched_host_calls", report.summary().unmatchedHostCalls());
        events.put("late", report.lateEvents());
        ObjectNode skipped = events.putObject("skipped");
        report.summary().skipped().forEach(skipped::put);
        ArrayNode crossings = root.putArray("crossings");
        for (BridgeCostWindow c : report.crossings()) {
            ObjectNode row = crossings.addObject();
            row.put("gpu", c.getGpuIndex());
            row.put("direction", c.getDirection().name());
            row.put("host_memory", c.getHostMemory().name());
            row.put("form", c.getForm().name());
            row.put("count", c.getCrossings());
            row.put("bytes", c.getBytes());
            row.put("cost_p50_s", c.getCostP50S());
            row.put("cost_p95_s", c.getCostP95S());
            row.put("cost_p99_s", c.getCostP99S());
            row.put("toll_s", c.getTollS());
            row.put("bandwidth_bytes_per_s", c.getBandwidthBytesPerS());
            row.put("fit_bins", c.getFitBins());
            row.put("fit_r_squared", c.getFitRSquared());
            row.put("toll_share", c.getTollShare());
            row.put("small_crossings", c.getSmallCrossings());
            row.put("small_cost_p50_s", c.getSmallCostP50S());
            row.put("async_calls", c.getAsyncCalls());
            row.put("async_blocked_fraction", c.getAsyncBlockedFraction());
            row.put("gpu_only_count", c.getGpuOnlyCrossings());
            row.put("gpu_only_bytes", c.getGpuOnlyBytes());
            row.put("bytes_unknown_count", c.getBytesUnknownCrossings());
        }
        ObjectNode asyncNode = root.putObject("async");
        asyncTotals(asyncNode, report.pinnedAsync());
        asyncTotals(asyncNode.putObject("pageable"), report.async(HostMemoryKind.PAGEABLE));
        ArrayNode concurrency = root.putArray("concurrency");
        for (ConcurrencyWindow c : report.concurrency()) {
            ObjectNode row = concurrency.addObject();
            row.put("gpu", c.getGpuIndex());
            row.put("context", c.getContextId());
            row.put("window_start_ns", c.getWindowStartNs());
            row.put("window_end_ns", c.getWindowEndNs());
            row.put("copies", c.getCopies());
            row.put("copy_concurrency_index", c.getCopyConcurrencyIndex());
            row.put("bridge_occupancy", c.getBridgeOccupancy());
            row.put("different_stream_overlap_fraction", c.getDifferentStreamOverlapFraction());
            row.put("copy_compute_overlap_fraction", c.getCopyComputeOverlapFraction());
        }
        ArrayNode phases = root.putArray("phases");
        for (PhaseOccurrence p : report.phases()) {
            ObjectNode row = phases.addObject();
            row.put("phase", p.getPhase().name());
            row.put("gpu", p.getGpuIndex());
            row.put("start_ns", p.getStartNs());
            row.put("duration_s", p.getDurationS());
            row.put("crossings", p.getCrossings());
            row.put("kernels", p.getKernels());
            row.put("bytes", p.getBytes());
            row.put("effective_bandwidth_bytes_per_s", p.getEffectiveBandwidthBytesPerS());
            row.put("predicted_duration_s", p.getPredictedDurationS());
        }
        if (report.reference() != null) {
            ObjectNode comparison = root.putObject("comparison");
            comparison.put("reference", report.reference().toString());
            ObjectNode slowdown = comparison.putObject("small_crossing_slowdown");
            report.smallCrossingSlowdown().forEach(slowdown::put);
            if (report.comparison() != null) {
                comparison.put("compute_parity", report.comparison().getComputeParity());
                comparison.put("compute_parity_kernels", report.comparison().getComputeParityKernels());
                comparison.put("copy_concurrency_index", report.comparison().getCopyConcurrencyIndex());
                comparison.put("reference_copy_concurrency_index",
                        report.comparison().getReferenceCopyConcurrencyIndex());
                comparison.put("no_ratio_reason", text(report.comparison().getNoRatioReason()));
            } else {
                comparison.putNull("compute_parity");
                comparison.put("no_ratio_reason", "the traces share no window with events of both");
            }
            ArrayNode kernels = comparison.putArray("kernels");
            report.parity().stream().limit(TOP_KERNELS).forEach(k -> {
                ObjectNode row = kernels.addObject();
                row.put("kernel", k.getKernelName().toString());
                row.put("launches", k.getLaunches());
                row.put("duration_p50_s", k.getDurationP50S());
                row.put("reference_duration_p50_s", k.getReferenceDurationP50S());
                row.put("parity", k.getParity());
            });
        }
        try {
            return JSON.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the report as JSON", e);
        }
    }

    private static void asyncTotals(ObjectNode node, TraceReport.AsyncTotals async) {
        node.put("async_calls", async.calls());
        node.put("async_blocked", async.blocked());
        node.put("blocked_fraction", async.blockedFraction());
        node.put("host_blocked_mean_s", async.hostBlockedMeanS());
    }

    public static String text(TraceReport report) {
        StringBuilder out = new StringBuilder();
        var s = report.summary();
        out.append("Bridge analysis of ").append(report.trace()).append('\n');
        out.append(format("  %d crossings, %d kernels, %d memsets; %d GPU activities without their host call,"
                + " %d late events%s%n", s.crossings(), s.kernels(), s.memsets(), s.unmatchedGpuActivities(),
                report.lateEvents(), s.facts().gpuSku().isEmpty() ? "" : "; GPU " + s.facts().gpuSku()));
        s.withoutHostCall().forEach((why, count) -> out.append(format(
                "  without host call (counted as seen only on the GPU): %d %s%n", count, why)));
        s.skipped().forEach((why, count) -> out.append(format("  skipped: %d %s%n", count, why)));
        out.append("\nCrossings (whole trace)\n");
        out.append(format("  %-3s %-4s %-9s %-8s %8s %12s %10s %10s %10s %11s %5s %6s%n", "gpu", "dir", "host mem",
                "form", "count", "bytes", "p50", "p99", "toll", "bandwidth", "bins", "r2"));
        for (BridgeCostWindow c : report.crossings()) {
            out.append(format("  %-3d %-4s %-9s %-8s %8d %12s %10s %10s %10s %11s %5d %6s%n", c.getGpuIndex(),
                    c.getDirection(), c.getHostMemory(), c.getForm(), c.getCrossings(), bytes(c.getBytes()),
                    seconds(c.getCostP50S()), seconds(c.getCostP99S()), seconds(c.getTollS()),
                    bandwidth(c.getBandwidthBytesPerS()), c.getFitBins(), number(c.getFitRSquared(), "%.3f")));
        }
        for (BridgeCostWindow c : report.crossings()) {
            if (c.getGpuOnlyCrossings() > 0) {
                out.append(format("  and seen only on the GPU (counted, not charged): %d %s %s copies, %s%n",
                        c.getGpuOnlyCrossings(), c.getDirection(), c.getHostMemory(), bytes(c.getGpuOnlyBytes())));
            }
            if (c.getBytesUnknownCrossings() > 0) {
                out.append(format("  of which of unknown size (the trace gave no bytes; counted and charged, not in"
                        + " bytes, fit or bandwidth): %d %s %s copies%n", c.getBytesUnknownCrossings(),
                        c.getDirection(), c.getHostMemory()));
            }
        }
        TraceReport.AsyncTotals async = report.pinnedAsync();
        out.append(format("%nAsync copies from pinned memory: %d calls, %d blocked at the call (%s), mean host time"
                + " %s%n", async.calls(), async.blocked(), percent(async.blockedFraction()),
                seconds(async.hostBlockedMeanS())));
        TraceReport.AsyncTotals pageable = report.async(HostMemoryKind.PAGEABLE);
        if (pageable.calls() > 0) {
            out.append(format("  and from pageable memory (staged: synchronous by CUDA's rules, not revocation): %d"
                    + " calls, %d blocked by the same test (%s)%n", pageable.calls(), pageable.blocked(),
                    percent(pageable.blockedFraction())));
        }
        out.append(format("%nConcurrency (%s windows)%n", report.window().toString().substring(2).toLowerCase(Locale.ROOT)));
        out.append(format("  %-24s %-3s %-8s %7s %8s %10s %13s%n", "window start (UTC)", "gpu", "context", "copies",
                "C", "occupancy", "copy-compute"));
        for (ConcurrencyWindow c : report.concurrency()) {
            out.append(format("  %-24s %-3d %-8s %7d %8s %10s %13s%n", Instant.ofEpochSecond(0,
                    c.getWindowStartNs()), c.getGpuIndex(), c.getContextId() == null ? "all" : c.getContextId(),
                    c.getCopies(), number(c.getCopyConcurrencyIndex(), "%.3f"), percent(c.getBridgeOccupancy()),
                    percent(c.getCopyComputeOverlapFraction())));
        }
        out.append("\nPhases (KV restore, KV offload, model load)\n");
        if (report.phases().isEmpty()) {
            out.append("  none: no copy ran inside a range named for one of these phases\n");
        }
        for (PhaseOccurrence p : report.phases()) {
            out.append(format("  %-11s gpu %d at %s: %s, %d crossings, %s, %s (model predicts %s)%n", p.getPhase(),
                    p.getGpuIndex(), Instant.ofEpochSecond(0, p.getStartNs()), seconds(p.getDurationS()),
                    p.getCrossings(), bytes(p.getBytes()), bandwidth(p.getEffectiveBandwidthBytesPerS()),
                    seconds(p.getPredictedDurationS())));
        }
        if (report.reference() != null) {
            out.append("\nAgainst the reference ").append(report.reference()).append('\n');
            Map<String, Double> slowdown = report.smallCrossingSlowdown();
            if (slowdown.isEmpty()) {
                out.append("  small-crossing slowdown: none (no small crossing in both traces)\n");
            }
            slowdown.forEach((direction, ratio) -> out.append(format("  small-crossing slowdown %s: %.1fx%n",
                    direction, ratio)));
            if (report.comparison() != null) {
                out.append(format("  compute parity: %s over %d kernels%n",
                        number(report.comparison().getComputeParity(), "%.3f"),
                        report.comparison().getComputeParityKernels()));
                if (report.comparison().getNoRatioReason() != null) {
                    out.append("  note: ").append(report.comparison().getNoRatioReason()).append('\n');
                }
            }
            for (ComputeParity k : report.parity().stream().limit(TOP_KERNELS).toList()) {
                out.append(format("    %6.3f  %6d launches  %s%n", k.getParity(), k.getLaunches(),
                        abbreviate(k.getKernelName().toString(), 90)));
            }
        }
        return out.toString();
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString();
    }

    static String seconds(Double s) {
        if (s == null) {
            return "-";
        }
        if (s >= 1) {
            return format("%.3f s", s);
        }
        if (s >= 1e-3) {
            return format("%.3f ms", s * 1e3);
        }
        return format("%.1f us", s * 1e6);
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return format("%.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return format("%.2f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return format("%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }

    static String bandwidth(Double bytesPerSecond) {
        return bytesPerSecond == null ? "-" : format("%.2f GB/s", bytesPerSecond / 1e9);
    }

    private static String percent(Double fraction) {
        return fraction == null ? "-" : format("%.1f%%", 100 * fraction);
    }

    private static String number(Double value, String pattern) {
        return value == null ? "-" : format(pattern, value);
    }

    private static String abbreviate(String name, int max) {
        return name.length() <= max ? name : name.substring(0, max - 3) + "...";
    }
}
