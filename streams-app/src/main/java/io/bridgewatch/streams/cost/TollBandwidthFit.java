package io.bridgewatch.streams.cost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits {@code cost(n) = toll + n / bandwidth} to per-bin costs with Theil-Sen (median of pairwise slopes, then
 * median intercept): robust to a bin skewed by queueing. When the bins span too narrow a size range to see a
 * slope, only the toll is reported, as the median bin cost, and only when the copies are small (at most
 * {@link #SMALL_BYTES}), where the cost is the toll: the cost of large copies of one size (a model load's 64 MiB
 * tensors) is mostly transfer time, and no toll can be told from it.
 */
public final class TollBandwidthFit {
    /** Sizes must span at least this factor for the slope (bandwidth) to be reported. */
    static final double MIN_SIZE_SPAN = 64;
    /** Copies up to this size cost their toll and little else (DESIGN 4.1's small crossings). */
    static final double SMALL_BYTES = 64 * 1024;

    /** The fitted line; toll, bandwidth and r² are null when they cannot be told. */
    public record Result(Double tollSeconds, Double bandwidthBytesPerSecond, int bins, Double rSquared) {
    }

    private TollBandwidthFit() {
    }

    public static Result fit(List<BinPoint> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no bins to fit");
        }
        double minBytes = points.stream().mapToDouble(BinPoint::meanBytes).min().orElseThrow();
        double maxBytes = points.stream().mapToDouble(BinPoint::meanBytes).max().orElseThrow();
        if (points.size() < 2 || maxBytes < MIN_SIZE_SPAN * Math.max(1, minBytes)) {
            Double toll = maxBytes <= SMALL_BYTES ? median(points.stream().mapToDouble(BinPoint::costSeconds)
                    .toArray()) : null;
            return new Result(toll, null, points.size(), null);
        }
        List<Double> slopes = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            for (int j = i + 1; j < points.size(); j++) {
                BinPoint p = points.get(i);
                BinPoint q = points.get(j);
                if (p.meanBytes() != q.meanBytes()) {
                    slopes.add((q.costSeconds() - p.costSeconds()) / (q.meanBytes() - p.meanBytes()));
                }
            }
        }
        double slope = median(slopes.stream().mapToDouble(Double::doubleValue).toArray());
        double toll = median(points.stream().mapToDouble(p -> p.costSeconds() - slope * p.meanBytes()).toArray());
        Double bandwidth = slope > 0 ? 1 / slope : null;
        return new Result(toll, bandwidth, points.size(), points.size() >= 3 ? rSquared(points, toll, slope) : null);
    }

    private static double rSquared(List<BinPoint> points, double intercept, double slope) {
        double mean = points.stream().mapToDouble(BinPoint::costSeconds).average().orElse(0);
        double residual = 0;
        double total = 0;
        for (BinPoint p : points) {
            double predicted = intercept + slope * p.meanBytes();
            residual += Math.pow(p.costSeconds() - predicted, 2);
            total += Math.pow(p.costSeconds() - mean, 2);
        }
        return total == 0 ? 1.0 : 1 - residual / total;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
