package io.bridgewatch.streams.parity;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.streams.internal.KernelDurations;
import io.bridgewatch.streams.stats.Sketches;
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

    /** Per-kernel parities, in match-key order. */
    public static List<ComputeParity> perKernel(String cohort, String variant, long startNs, long endNs,
            Map<String, KernelDurations> own, Map<String, KernelDurations> reference) {
        List<ComputeParity> rows = new ArrayList<>();
        new TreeMap<>(own).forEach((key, durations) -> {
            KernelDurations ref = reference.get(key);
            if (ref == null) {
                return;
            }
            DDSketch mine = Sketches.decode(durations.getSketch());
            DDSketch theirs = Sketches.decode(ref.getSketch());
            double median = mine.getValueAtQuantile(0.5) * NS;
            double referenceMedian = theirs.getValueAtQuantile(0.5) * NS;
            rows.add(ComputeParity.newBuilder().setCohort(cohort).setVariant(variant).setWindowStartNs(startNs)
                    .setWindowEndNs(endNs).setKernel(key).setKernelName(durations.getName())
                    .setLaunches((long) mine.getCount()).setDurationP50S(median)
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
