package io.bridgewatch.launcher.bench.hot;

import io.bridgewatch.streams.cost.BinPoint;
import io.bridgewatch.streams.cost.TollBandwidthFit;
import io.bridgewatch.streams.interval.Interval;
import io.bridgewatch.streams.interval.IntervalSets;
import io.bridgewatch.streams.stats.BucketCounts;
import io.bridgewatch.streams.stats.LogHistogram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What window aggregation does per event and per window: a cost into the quantile histogram (per event), a window's
 * median from it, the toll and bandwidth fit over a window's size bins, and the concurrency index of a window's
 * copy intervals (per interval).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WindowStateBenchmark {
    static final int VALUES = 1024;
    static final int INTERVALS = 10_000;
    private final long[] costsNs = new long[VALUES];
    private Map<String, Long> histogram;
    private List<BinPoint> bins;
    private List<Interval> intervals;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        histogram = new HashMap<>();
        for (int i = 0; i < VALUES; i++) {
            costsNs[i] = 5_000 + (long) (random.nextDouble() * random.nextDouble() * 2_000_000);
            LogHistogram.add(histogram, costsNs[i]);
        }
        bins = new ArrayList<>();
        for (int k = 0; k < 21; k++) {
            double bytes = 64.0 * (1L << k);
            bins.add(new BinPoint(bytes, 7e-6 + bytes / 55e9 * (1 + 0.05 * random.nextDouble()), 10));
        }
        intervals = new ArrayList<>();
        long at = 0;
        for (int i = 0; i < INTERVALS; i++) {
            at += random.nextInt(20_000);
            intervals.add(new Interval(at, at + 5_000 + random.nextInt(200_000)));
        }
    }

    /** Costs counted as the cost windows count them, in {@link BucketCounts}. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public Map<String, Long> histogramAdd() {
        Map<String, Long> counts = new BucketCounts();
        for (long cost : costsNs) {
            LogHistogram.add(counts, cost);
        }
        return counts;
    }

    /** The same into a HashMap, as into a window state read back from its store. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public Map<String, Long> histogramAddHashMap() {
        Map<String, Long> counts = new HashMap<>();
        for (long cost : costsNs) {
            LogHistogram.add(counts, cost);
        }
        return counts;
    }

    @Benchmark
    public Double histogramMedian() {
        return LogHistogram.quantile(histogram, 0.5);
    }

    @Benchmark
    public TollBandwidthFit.Result tollBandwidthFit() {
        return TollBandwidthFit.fit(bins);
    }

    @Benchmark
    @OperationsPerInvocation(INTERVALS)
    public double concurrencyIndex() {
        return IntervalSets.concurrencyIndex(intervals);
    }
}
