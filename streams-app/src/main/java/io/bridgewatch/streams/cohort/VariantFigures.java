package io.bridgewatch.streams.cohort;

import io.bridgewatch.streams.internal.VariantState;
import io.bridgewatch.streams.stats.LogHistogram;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A variant's figures over a window: throughput, latency, the median cost of its small crossings per route
 * (direction|host_memory, from the merged sketches of its node windows: the median of all its small crossings, not
 * a median of window medians, DESIGN 4.1) and pooled concurrency.
 */
record VariantFigures(Double tokensPerSecond, Double itlMeanSeconds, Map<String, Double> smallCostMedians,
        Double concurrencyIndex, Map<String, Double> phaseDurationMedians) {
    private static final double NS = 1e-9;

    static VariantFigures of(VariantState v) {
        Map<String, Double> smallCostMedians = new TreeMap<>();
        v.getSmallCostCounts().forEach((route, counts) -> {
            Double median = LogHistogram.quantile(counts, 0.5);
            if (median != null) {
                smallCostMedians.put(route, median * NS);
            }
        });
        return new VariantFigures(
                v.getIntervalS() > 0 ? v.getOutputTokens() / v.getIntervalS() : null,
                v.getItlCount() > 0 ? v.getItlSumS() / v.getItlCount() : null,
                smallCostMedians,
                v.getCopyUnionS() > 0 ? v.getCopyTimeS() / v.getCopyUnionS() : null,
                medians(v.getPhaseDurationsS()));
    }

    /** The key of a route's small-crossing figures: {@code H2D|PINNED}. */
    static String route(String direction, String hostMemory) {
        return direction + "|" + hostMemory;
    }

    private static Map<String, Double> medians(Map<String, List<Double>> valuesByKey) {
        Map<String, Double> medians = new TreeMap<>();
        valuesByKey.forEach((key, values) -> medians.put(key, median(values)));
        return medians;
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
