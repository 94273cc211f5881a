package io.bridgewatch.streams.cohort;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.streams.parity.ComputeParityCalculator;
import io.bridgewatch.streams.parity.KernelDurationAggregator;
import io.bridgewatch.streams.stats.LogHistogram;
import io.bridgewatch.streams.internal.CohortSample;
import io.bridgewatch.streams.internal.CohortWindowState;
import io.bridgewatch.streams.internal.VariantState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Folds a cohort's samples per variant, and compares each variant of a closed window with the cohort's reference
 * (DESIGN 4.1 small-crossing slowdown, 4.3 concurrency loss, 4.4 throughput gap and recovered fraction, 4.5 phase
 * penalties, 4.6 compute parity). Where a ratio cannot be formed the record says why instead of dividing by zero.
 */
public final class CohortAggregator {
    /** A gap below this is noise: no recovered fraction is computed from it. */
    static final double GAP_NOISE = 0.02;
    /** A reference whose copies overlap less than this (C_ref - 1) leaves concurrency loss undefined. */
    static final double MIN_REFERENCE_OVERLAP = 0.05;

    private CohortAggregator() {
    }

    public static CohortWindowState empty() {
        return new CohortWindowState(new HashMap<>());
    }

    public static CohortWindowState add(CohortSample sample, CohortWindowState state) {
        VariantState v = state.getVariants().computeIfAbsent(sample.getVariant(), k -> new VariantState(
                sample.getCcMode(), new ArrayList<>(sample.getMitigations()), new ArrayList<>(), 0L, 0.0, 0.0, 0L,
                new HashMap<>(), 0.0, 0.0, new HashMap<>(), new HashMap<>()));
        if (!v.getNodes().contains(sample.getNodeId())) {
            TreeSet<String> nodes = new TreeSet<>(v.getNodes());
            nodes.add(sample.getNodeId());
            v.setNodes(new ArrayList<>(nodes));
        }
        v.setOutputTokens(v.getOutputTokens() + sample.getOutputTokens());
        v.setIntervalS(v.getIntervalS() + sample.getIntervalS());
        v.setItlSumS(v.getItlSumS() + sample.getItlSumS());
        v.setItlCount(v.getItlCount() + sample.getItlCount());
        if (!sample.getSmallCostCounts().isEmpty()) {
            LogHistogram.merge(v.getSmallCostCounts().computeIfAbsent(
                    VariantFigures.route(sample.getDirection(), sample.getHostMemory()), r -> new HashMap<>()),
                    sample.getSmallCostCounts());
        }
        if (sample.getPhaseDurationS() != null) {
            List<Double> durations = new ArrayList<>(v.getPhaseDurationsS().getOrDefault(sample.getPhase(),
                    List.of()));
            durations.add(sample.getPhaseDurationS());
            v.getPhaseDurationsS().put(sample.getPhase(), durations);
        }
        KernelDurationAggregator.merge(v.getKernels(), sample.getKernels());
        v.setCopyTimeS(v.getCopyTimeS() + sample.getCopyTimeS());
        v.setCopyUnionS(v.getCopyUnionS() + sample.getCopyUnionS());
        return state;
    }

    /** The reference of a cohort window: its figures, its kernels' median durations and where they come from. */
    private record Reference(VariantFigures figures, Map<String, Double> kernelMedians, String source) {
        /** The live reference variant of the window, else the baseline's entry for the cohort, else none. */
        static Reference of(String cohort, Map<String, VariantState> variants, ReferenceBaseline baseline) {
            VariantState live = variants.get(Cohorts.REFERENCE);
            if (live != null) {
                return new Reference(VariantFigures.of(live), ComputeParityCalculator.medians(live.getKernels()),
                        "live");
            }
            return baseline.of(cohort)
                    .map(entry -> new Reference(entry.figures(), entry.kernelDurationP50S(), "baseline"))
                    .orElse(null);
        }
    }

    /** One comparison per variant of the window, reference first, flagged provisional when the window is open. */
    public static List<CohortComparison> results(CohortWindow window, ReferenceBaseline baseline) {
        List<CohortComparison> results = results(window.cohort(), window.startNs(), window.endNs(), window.state(),
                baseline);
        results.forEach(result -> result.setProvisional(window.provisional()));
        return results;
    }

    /** One comparison per variant of the closed window, reference first. */
    public static List<CohortComparison> results(String cohort, long windowStartNs, long windowEndNs,
            CohortWindowState state, ReferenceBaseline baseline) {
        Map<String, VariantState> variants = new TreeMap<>(state.getVariants());
        Reference reference = Reference.of(cohort, variants, baseline);
        List<CohortComparison> results = new ArrayList<>();
        if (variants.containsKey(Cohorts.REFERENCE)) {
            results.add(base(cohort, Cohorts.REFERENCE, windowStartNs, windowEndNs, variants.get(Cohorts.REFERENCE),
                    reference.figures()).setReferenceSource("live").build());
        }
        for (Map.Entry<String, VariantState> entry : variants.entrySet()) {
            if (entry.getKey().equals(Cohorts.REFERENCE)) {
                continue;
            }
            VariantState unmitigated = variants.get(Cohorts.unmitigated(entry.getKey()));
            results.add(compare(cohort, entry.getKey(), windowStartNs, windowEndNs, entry.getValue(),
                    unmitigated == null ? null : VariantFigures.of(unmitigated), reference));
        }
        return results;
    }

    private static CohortComparison compare(String cohort, String variant, long startNs, long endNs,
            VariantState state, VariantFigures unmitigated, Reference referenceSide) {
        VariantFigures own = VariantFigures.of(state);
        CohortComparison.Builder out = base(cohort, variant, startNs, endNs, state, own);
        List<String> reasons = new ArrayList<>();
        if (referenceSide == null) {
            reasons.add("no reference: the cohort had no cc_mode=OFF node reporting in this window"
                    + " and the baseline file has no entry for it");
            return out.setReferenceSource("none").setNoRatioReason(String.join("; ", reasons)).build();
        }
        VariantFigures reference = referenceSide.figures();
        out.setReferenceSource(referenceSide.source())
                .setReferenceTokensPerS(reference.tokensPerSecond())
                .setReferenceInterTokenLatencyMeanS(reference.itlMeanSeconds())
                .setReferenceCopyConcurrencyIndex(reference.concurrencyIndex());
        out.setThroughputGap(ratio(own.tokensPerSecond(), reference.tokensPerSecond(), reasons, "throughput")
                .map(r -> 1 - r).orElse(null));
        out.setInterTokenLatencyRatio(ratio(own.itlMeanSeconds(), reference.itlMeanSeconds(), reasons,
                "inter-token latency").orElse(null));
        Map<String, Double> slowdown = perKeyRatio(own.smallCostMedians(), reference.smallCostMedians(), 0);
        out.setSmallCrossingSlowdown(slowdown);
        out.setPhasePenalty(perKeyRatio(own.phaseDurationMedians(), reference.phaseDurationMedians(), -1));
        out.setConcurrencyLoss(concurrencyLoss(own, reference, reasons));
        List<ComputeParity> parity = ComputeParityCalculator.perKernel(cohort, variant, startNs, endNs,
                state.getKernels(), referenceSide.kernelMedians());
        out.setComputeParity(ComputeParityCalculator.overall(parity)).setComputeParityKernels(parity.size());
        if (parity.isEmpty()) {
            reasons.add(state.getKernels().isEmpty()
                    ? "no compute parity: no GPU kernel times (CPU-only form)"
                    : "no compute parity: no kernel in common with the reference");
        }
        if (!state.getMitigations().isEmpty()) {
            recovered(out, own, unmitigated, reference, reasons);
        }
        return out.setNoRatioReason(reasons.isEmpty() ? null : String.join("; ", reasons)).build();
    }

    /** Per-kernel compute parity of every variant against the window's reference (none without one). */
    public static List<ComputeParity> parity(String cohort, long windowStartNs, long windowEndNs,
            CohortWindowState state, ReferenceBaseline baseline) {
        Reference reference = Reference.of(cohort, state.getVariants(), baseline);
        if (reference == null) {
            return List.of();
        }
        List<ComputeParity> rows = new ArrayList<>();
        new TreeMap<>(state.getVariants()).forEach((variant, v) -> {
            if (!variant.equals(Cohorts.REFERENCE)) {
                rows.addAll(ComputeParityCalculator.perKernel(cohort, variant, windowStartNs, windowEndNs,
                        v.getKernels(), reference.kernelMedians()));
            }
        });
        return rows;
    }

    private static void recovered(CohortComparison.Builder out, VariantFigures own, VariantFigures unmitigated,
            VariantFigures reference, List<String> reasons) {
        if (unmitigated == null) {
            reasons.add("no recovered fraction: no unmitigated node of the same CC mode in this window");
            return;
        }
        Double x = own.tokensPerSecond();
        Double xcc = unmitigated.tokensPerSecond();
        Double xref = reference.tokensPerSecond();
        if (x != null && xcc != null && xref != null) {
            if (xref - xcc > GAP_NOISE * xref) {
                out.setRecoveredFraction((x - xcc) / (xref - xcc));
            } else {
                reasons.add(String.format("no recovered fraction: the unmitigated gap %.1f%% is within noise (%.0f%%)",
                        100 * (1 - xcc / xref), 100 * GAP_NOISE));
            }
        }
        Double itl = own.itlMeanSeconds();
        Double itlCc = unmitigated.itlMeanSeconds();
        Double itlRef = reference.itlMeanSeconds();
        if (itl != null && itlCc != null && itlRef != null && itlCc - itlRef > GAP_NOISE * itlRef) {
            out.setInterTokenLatencyRecoveredFraction((itlCc - itl) / (itlCc - itlRef));
        }
    }

    /** value / reference value + offset, for each key both have (and the reference's is positive). */
    private static Map<String, Double> perKeyRatio(Map<String, Double> values, Map<String, Double> references,
            double offset) {
        Map<String, Double> ratios = new TreeMap<>();
        values.forEach((key, value) -> {
            Double referenceValue = references.get(key);
            if (referenceValue != null && referenceValue > 0) {
                ratios.put(key, value / referenceValue + offset);
            }
        });
        return ratios;
    }

    private static Double concurrencyLoss(VariantFigures own, VariantFigures reference, List<String> reasons) {
        Double c = own.concurrencyIndex();
        Double cRef = reference.concurrencyIndex();
        if (c == null || cRef == null) {
            return null;
        }
        if (cRef - 1 < MIN_REFERENCE_OVERLAP) {
            reasons.add(String.format("no concurrency loss: the reference's copies do not overlap (C_ref = %.3f)",
                    cRef));
            return null;
        }
        return Math.max(0, Math.min(1, 1 - (c - 1) / (cRef - 1)));
    }

    private static java.util.Optional<Double> ratio(Double value, Double referenceValue, List<String> reasons,
            String what) {
        if (value == null || referenceValue == null) {
            return java.util.Optional.empty();
        }
        if (referenceValue == 0) {
            reasons.add("no " + what + " ratio: the reference's " + what + " is zero");
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(value / referenceValue);
    }

    private static CohortComparison.Builder base(String cohort, String variant, long startNs, long endNs,
            VariantState state, VariantFigures figures) {
        return CohortComparison.newBuilder()
                .setCohort(cohort)
                .setVariant(variant)
                .setCcMode(CcMode.valueOf(state.getCcMode()))
                .setMitigations(state.getMitigations())
                .setWindowStartNs(startNs)
                .setWindowEndNs(endNs)
                .setNodes(state.getNodes())
                .setReferenceSource("none")
                .setTokensPerS(figures.tokensPerSecond())
                .setInterTokenLatencyMeanS(figures.itlMeanSeconds())
                .setSmallCrossingCostP50S(figures.smallCostMedians())
                .setPhaseDurationMedianS(figures.phaseDurationMedians())
                .setCopyConcurrencyIndex(figures.concurrencyIndex());
    }
}
