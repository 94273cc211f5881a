package io.bridgewatch.streams.cohort;

import io.bridgewatch.streams.internal.VariantState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A variant's figures over a window: throughput, latency, small-crossing medians and pooled concurrency. */
record VariantFigures(Double tokensPerSecond, Double itlMeanSeconds, Map<String, Double> smallCostMedians,
        Double concurrencyIndex) {

    static VariantFigures of(VariantState v) {
        Map<String, Double> medians = new TreeMap<>();
        v.getSmallCostP50S().forEach((direction, values) -> medians.put(direction, median(values)));
        return new VariantFigures(
                v.getIntervalS() > 0 ? v.getOutputTokens() / v.getIntervalS() : null,
                v.getItlCount() > 0 ? v.getItlSumS() / v.getItlCount() : null,
                medians,
                v.getCopyUnionS() > 0 ? v.getCopyTimeS() / v.getCopyUnionS() : null);
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
