package io.bridgewatch.streams.cohort;

import io.bridgewatch.streams.internal.VariantState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A variant's figures over a window: throughput, latency, small-crossing medians and pooled concurrency. */
record VariantFigures(Double tokensPerSecond, Double itlMeanSeconds, Map<String, Double> smallCostMedians,
        Double concurrencyIndex, Map<String, Double> phaseDurationMedians) {

    static VariantFigures of(VariantState v) {
        return new VariantFigures(
                v.getIntervalS() > 0 ? v.getOutputTokens() / v.getIntervalS() : null,
                v.getItlCount() > 0 ? v.getItlSumS() / v.getItlCount() : null,
                medians(v.getSmallCostP50S()),
                v.getCopyUnionS() > 0 ? v.getCopyTimeS() / v.getCopyUnionS() : null,
                medians(v.getPhaseDurationsS()));
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
