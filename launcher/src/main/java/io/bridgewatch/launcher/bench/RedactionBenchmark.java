package io.bridgewatch.launcher.bench;

import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.redact.RedactingSink;
import io.bridgewatch.collector.redact.Redaction;
import io.bridgewatch.launcher.trace.TraceAnalysis;
import io.bridgewatch.launcher.trace.TraceReport;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.offline.OfflinePipeline;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * {@code bridgewatch bench redaction}: how far each redaction option of the collector moves the figures, on a
 * real trace (analysed as {@code analyze} does) and on the simulated fleet (through the same offline pipeline).
 * Each figure of a redacted run is compared with the same figure (same node, window, direction, ...) of the plain
 * run: the table gives the mean relative change over all of them, and how many disappeared.
 */
final class RedactionBenchmark {
    /** Figures of a run: per metric, per identity of the row it comes from, the value. */
    private record Figures(Map<String, Map<String, Double>> byMetric) {
    }

    private record Variant(String name, Redaction redaction) {
    }

    private static final List<String> METRICS = List.of("toll", "bandwidth", "slowdown", "C", "gap", "phase s");

    private final PrintStream out;

    RedactionBenchmark(PrintStream out) {
        this.out = out;
    }

    void run(Path trace, Duration fleet) throws InterruptedException {
        byte[] key = "bridgewatch-bench-redaction-key".getBytes(StandardCharsets.UTF_8);
        List<Variant> variants = List.of(
                new Variant("none", Redaction.NONE),
                new Variant("kernel names hashed", Redaction.NONE.withKernelNames(Redaction.KernelNames.HASH, key)),
                new Variant("kernel names dropped", Redaction.NONE.withKernelNames(Redaction.KernelNames.DROP, key)),
                new Variant("sizes to powers of 2", Redaction.NONE.withSizeBuckets(true)),
                new Variant("times to 1 us", Redaction.NONE.withTimeResolutionNs(1_000)),
                new Variant("times to 10 us", Redaction.NONE.withTimeResolutionNs(10_000)),
                new Variant("times to 100 us", Redaction.NONE.withTimeResolutionNs(100_000)),
                new Variant("hash + sizes + 10 us", Redaction.NONE.withKernelNames(Redaction.KernelNames.HASH, key)
                        .withSizeBuckets(true).withTimeResolutionNs(10_000)));
        if (trace != null) {
            out.println("Trace " + trace + " (analysed with 1 s windows):");
            table(variants, v -> traceFigures(trace, v.redaction()));
        }
        out.println("Simulated fleet, " + fleet.toSeconds() + " s of the default scenario (12 nodes, default"
                + " windows):");
        table(variants, v -> {
            try {
                return fleetFigures(fleet, v.redaction());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }

    private void table(List<Variant> variants, Function<Variant, Figures> run) {
        Figures plain = run.apply(variants.get(0));
        StringBuilder header = new StringBuilder(String.format("  %-22s", "redaction"));
        METRICS.forEach(m -> header.append(String.format(" %16s", m + " (" + plain.byMetric().getOrDefault(m,
                Map.of()).size() + ")")));
        out.println(header);
        for (Variant variant : variants.subList(1, variants.size())) {
            long began = System.nanoTime();
            Figures redacted = run.apply(variant);
            StringBuilder row = new StringBuilder(String.format("  %-22s", variant.name()));
            for (String metric : METRICS) {
                row.append(String.format(" %16s", change(plain.byMetric().getOrDefault(metric, Map.of()),
                        redacted.byMetric().getOrDefault(metric, Map.of()))));
            }
            out.println(row + String.format("   (%.1f s)", (System.nanoTime() - began) / 1e9));
        }
        out.println("  (mean |relative change| over the figures of both runs; \"-k\": k figures of the plain run"
                + " gone; n/a: none to compare)");
    }

    /** Mean |relative change| of the values present in both, and how many of the plain ones are gone. */
    private static String change(Map<String, Double> plain, Map<String, Double> redacted) {
        double sum = 0;
        int compared = 0;
        int gone = 0;
        for (Map.Entry<String, Double> e : plain.entrySet()) {
            Double other = redacted.get(e.getKey());
            if (other == null) {
                gone++;
            } else if (e.getValue() != 0) {
                sum += Math.abs(other - e.getValue()) / Math.abs(e.getValue());
                compared++;
            }
        }
        String text = compared == 0 ? "n/a" : String.format("%.2f%%", 100 * sum / compared);
        return gone == 0 ? text : text + " -" + gone;
    }

    private static Figures traceFigures(Path trace, Redaction redaction) {
        TraceReport report = new TraceAnalysis(Duration.ofSeconds(1), redaction).analyze(trace, null,
                TraceProgress.NONE);
        return figures(report.crossings(), report.concurrency(), report.phases(), List.of());
    }

    private static Figures fleetFigures(Duration duration, Redaction redaction) throws InterruptedException {
        long startNs = 1_790_000_000_000_000_000L;
        FleetSimulator fleet = new FleetSimulator(ScenarioLoader.loadDefault(), startNs);
        try (OfflinePipeline pipeline = new OfflinePipeline(TopologyConfig.DEFAULTS)) {
            fleet.run(duration, FleetSimulator.Pacing.VIRTUAL, node -> RedactingSink.around(pipeline, redaction),
                    () -> true);
            OfflinePipeline.Results results = pipeline.finish();
            return figures(results.costs(), results.concurrency(), results.phases(), results.comparisons());
        }
    }

    private static Figures figures(List<BridgeCostWindow> costs, List<ConcurrencyWindow> concurrency,
            List<PhaseOccurrence> phases, List<CohortComparison> comparisons) {
        Map<String, Map<String, Double>> byMetric = new LinkedHashMap<>();
        put(byMetric, "toll", costs, RedactionBenchmark::costKey, c -> value(c.getTollS()));
        put(byMetric, "bandwidth", costs, RedactionBenchmark::costKey, c -> value(c.getBandwidthBytesPerS()));
        Map<String, Double> slowdowns = byMetric.computeIfAbsent("slowdown", m -> new HashMap<>());
        comparisons.forEach(c -> c.getSmallCrossingSlowdown().forEach((route, slowdown) ->
                slowdowns.put(comparisonKey(c) + "|" + route, slowdown)));
        put(byMetric, "C", concurrency, c -> c.getNodeId() + "|" + c.getGpuIndex() + "|" + c.getContextId() + "|"
                + c.getForm() + "|" + c.getWindowStartNs(), c -> value(c.getCopyConcurrencyIndex()));
        put(byMetric, "gap", comparisons, RedactionBenchmark::comparisonKey, c -> value(c.getThroughputGap()));
        Map<String, Integer> ordinal = new HashMap<>();
        put(byMetric, "phase s", phases, p -> {
            String node = p.getNodeId() + "|" + p.getGpuIndex() + "|" + p.getPhase();
            return node + "|" + ordinal.merge(node, 1, Integer::sum);
        }, p -> value(p.getDurationS()));
        return new Figures(byMetric);
    }

    private static String costKey(BridgeCostWindow c) {
        return c.getNodeId() + "|" + c.getGpuIndex() + "|" + c.getDirection() + "|" + c.getHostMemory() + "|"
                + c.getForm() + "|" + c.getWindowStartNs();
    }

    private static String comparisonKey(CohortComparison c) {
        return c.getCohort() + "|" + c.getVariant() + "|" + c.getWindowStartNs();
    }

    private static double value(Double nullable) {
        return nullable == null ? Double.NaN : nullable;
    }

    private static <T> void put(Map<String, Map<String, Double>> byMetric, String metric, List<T> rows,
            Function<T, String> key, ToDoubleFunction<T> value) {
        Map<String, Double> values = byMetric.computeIfAbsent(metric, m -> new HashMap<>());
        for (T row : rows) {
            double v = value.applyAsDouble(row);
            if (!Double.isNaN(v)) {
                values.put(key.apply(row), v);
            }
        }
    }
}
