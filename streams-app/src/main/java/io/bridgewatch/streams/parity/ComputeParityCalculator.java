package io.bridgewatch.streams.parity;

import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.streams.internal.KernelDurations;
import io.bridgewatch.streams.stats.LogHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compute parity (DESIGN 4.6): per kernel both ran, the variant's median GPU duration over the reference's; overall,
 * the variant's kernel time at its medians over the same launches at the reference's medians.
 */
public final class ComputeParityCalculator {
    private static final double NS = 1e-9;

    private ComputeParityCalculator() {
    }

    /** Median GPU duration in seconds per match key. */
    public static Map<String, Double> medians(Map<String, KernelDurations> kernels) {
        Map<String, Double> medians = new TreeMap<>();
        kernels.forEach((key, durations) -> medians.put(key,
                LogHistogram.quantile(durations.getCounts(), 0.5) * NS));
        return medians;
    }

    /** Per-kernel parities against the reference's median durations (seconds), in match-key order. */
    public static List<ComputeParity> perKernel(String cohort, String variant, long startNs, long endNs,
            Map<String, KernelDurations> own, Map<String, Double> referenceMedians) {
        List<ComputeParity> rows = new ArrayList<>();
        new TreeMap<>(own).forEach((key, durations) -> {
            Double referenceMedian = referenceMedians.get(key);
            if (referenceMedian == null || referenceMedian <= 0) {
                return;
            }
            Map<String, Long> mine = durations.getCounts();
            double median = LogHistogram.quantile(mine, 0.5) * NS;
            rows.add(ComputeParity.newBuilder().setCohort(cohort).setVariant(variant).setWindowStartNs(startNs)
                    .setWindowEndNs(endNs).setKernel(key).setKernelName(durations.getName())
                    .setLaunches(LogHistogram.count(mine)).setDurationP50S(median)
                    .setReferenceDurationP50S(referenceMedian).setParity(median / referenceMedian).build());
        });
        return rows;
    }

    /** Launch-weighted parity over the matched kernels, or null when none matched. */
    public static Double overall(List<ComputeParity> perKernel) {
        double own = 0;
        double reference = 0;
        for (ComputeParity row : perKernel) {
            own += row.getLaunches() * row.getDurationP50S();
            reference += row.getLaunches() * row.getReferenceDurationP50S();
        }
        return reference > 0 ? own / reference : null;
    }
}
