package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.streams.internal.CostGroupState;
import io.bridgewatch.streams.internal.CostSample;
import io.bridgewatch.streams.internal.CostWindowState;
import io.bridgewatch.streams.internal.SizeBinState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.bridgewatch.streams.stats.BucketCounts;
import io.bridgewatch.streams.stats.LogHistogram;
import io.bridgewatch.streams.window.WindowAggregation;

/** Folds crossing costs into a node's window state, and turns a closed window into BridgeCostWindow results. */
public final class CostWindowAggregator {
    static final long SMALL_CROSSING_BYTES = 64 * 1024;
    static final long DMA_MIN_BYTES = 1024 * 1024;
    private static final double NS = 1e-9;
    /** The state's key of each power-of-two size bin, made once rather than per crossing. */
    private static final String[] SIZE_BIN_KEYS = new String[64];

    static {
        for (int i = 0; i < SIZE_BIN_KEYS.length; i++) {
            SIZE_BIN_KEYS[i] = Integer.toString(i);
        }
    }

    /** The latest sample's group and its key: a node's crossings come in runs of one group (no key built). */
    private int lastGpu = -1;
    private String lastDirection;
    private String lastHostMemory;
    private String lastForm;
    private String lastKey;

    private CostWindowAggregator() {
    }

    /** The aggregation for one processor's node windows (it keeps the latest group key: one thread only). */
    public static WindowAggregation<CostSample, CostWindowState, BridgeCostWindow> aggregation() {
        CostWindowAggregator aggregator = new CostWindowAggregator();
        return WindowAggregation.of(CostWindowAggregator::empty, aggregator::add, CostWindowAggregator::results);
    }

    public static CostWindowState empty() {
        return new CostWindowState(new HashMap<>());
    }

    CostWindowState add(CostSample sample, CostWindowState state) {
        String key = groupKey(sample);
        CostGroupState group = state.getGroups().computeIfAbsent(key, k -> new CostGroupState(sample.getGpuIndex(),
                sample.getDirection(), sample.getHostMemory(), sample.getForm(), 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L,
                new BucketCounts(), new BucketCounts(), 0L, 0L, new HashMap<>(), 0L));
        if (!sample.getHostCall()) {
            group.setGpuOnlyCrossings(group.getGpuOnlyCrossings() + 1);
            group.setGpuOnlyBytes(group.getGpuOnlyBytes() + sample.getBytes());
            return state;
        }
        if (sample.getAsyncRequested()) {
            group.setAsyncCalls(group.getAsyncCalls() + 1);
            group.setAsyncHostNs(group.getAsyncHostNs() + sample.getHostLatencyNs());
            if (Boolean.TRUE.equals(sample.getAsyncBlocked())) {
                group.setAsyncBlocked(group.getAsyncBlocked() + 1);
            }
        }
        if (sample.getCostNs() == null) {
            return state;
        }
        group.setCrossings(group.getCrossings() + 1);
        long costNs = sample.getCostNs();
        group.setCostSumNs(group.getCostSumNs() + costNs);
        int bucket = LogHistogram.bucketIndexOf(costNs);
        LogHistogram.addToBucket(group.getCostCounts(), bucket);
        if (!sample.getBytesKnown()) {
            // Its cost counts; with no size it can say nothing about bytes, bandwidth or small crossings.
            group.setBytesUnknownCrossings(group.getBytesUnknownCrossings() + 1);
            return state;
        }
        group.setBytes(group.getBytes() + sample.getBytes());
        if (sample.getBytes() <= SMALL_CROSSING_BYTES) {
            LogHistogram.addToBucket(group.getSmallCounts(), bucket);
        }
        if (sample.getGpuDurationNs() != null && sample.getBytes() > DMA_MIN_BYTES) {
            group.setDmaBytes(group.getDmaBytes() + sample.getBytes());
            group.setDmaNs(group.getDmaNs() + sample.getGpuDurationNs());
        }
        String bin = SIZE_BIN_KEYS[63 - Long.numberOfLeadingZeros(Math.max(1, sample.getBytes()))];
        SizeBinState sizeBin = group.getBins().computeIfAbsent(bin, b -> new SizeBinState(0L, 0L, new BucketCounts()));
        sizeBin.setCrossings(sizeBin.getCrossings() + 1);
        sizeBin.setBytes(sizeBin.getBytes() + sample.getBytes());
        LogHistogram.addToBucket(sizeBin.getCostCounts(), bucket);
        return state;
    }

    private String groupKey(CostSample sample) {
        if (sample.getGpuIndex() != lastGpu || !sample.getDirection().equals(lastDirection)
                || !sample.getHostMemory().equals(lastHostMemory) || !sample.getForm().equals(lastForm)) {
            lastGpu = sample.getGpuIndex();
            lastDirection = sample.getDirection();
            lastHostMemory = sample.getHostMemory();
            lastForm = sample.getForm();
            lastKey = lastGpu + "|" + lastDirection + "|" + lastHostMemory + "|" + lastForm;
        }
        return lastKey;
    }

    /** One result per group of the window, in a stable order. */
    public static List<BridgeCostWindow> results(String nodeId, long windowStartNs, long windowEndNs,
            CostWindowState state) {
        List<BridgeCostWindow> results = new ArrayList<>();
        state.getGroups().values().stream()
                .sorted(Comparator.comparing(g -> g.getGpuIndex() + "|" + g.getDirection() + "|" + g.getHostMemory()
                        + "|" + g.getForm()))
                .forEach(group -> results.add(result(nodeId, windowStartNs, windowEndNs, group)));
        return results;
    }

    private static BridgeCostWindow result(String nodeId, long startNs, long endNs, CostGroupState group) {
        CostForm form = CostForm.valueOf(group.getForm());
        Map<String, Long> costs = group.getCostCounts();
        Map<String, Long> small = group.getSmallCounts();
        // A group of async calls that returned at once (CPU-only) has async figures but nothing to fit.
        TollBandwidthFit.Result fit = group.getBins().isEmpty() ? null : TollBandwidthFit.fit(binPoints(group, form));
        return BridgeCostWindow.newBuilder()
                .setNodeId(nodeId)
                .setGpuIndex(group.getGpuIndex())
                .setDirection(Direction.valueOf(group.getDirection()))
                .setHostMemory(HostMemoryKind.valueOf(group.getHostMemory()))
                .setForm(form)
                .setWindowStartNs(startNs)
                .setWindowEndNs(endNs)
                .setCrossings(group.getCrossings())
                .setBytes(group.getBytes())
                .setCostP50S(quantileSeconds(costs, 0.50))
                .setCostP95S(quantileSeconds(costs, 0.95))
                .setCostP99S(quantileSeconds(costs, 0.99))
                .setSmallCrossings(LogHistogram.count(small))
                .setSmallCostP50S(quantileSeconds(small, 0.5))
                .setTollS(fit == null ? null : fit.tollSeconds())
                .setBandwidthBytesPerS(fit == null ? null : fit.bandwidthBytesPerSecond())
                .setFitBins(fit == null ? 0 : fit.bins())
                .setFitRSquared(fit == null ? null : fit.rSquared())
                .setDmaBandwidthBytesPerS(group.getDmaNs() > 0 ? group.getDmaBytes() / (group.getDmaNs() * NS) : null)
                .setTollShare(fit != null && fit.tollSeconds() != null && group.getCostSumNs() > 0
                        ? Math.min(1.0, group.getCrossings() * fit.tollSeconds() / (group.getCostSumNs() * NS)) : null)
                .setAsyncCalls(group.getAsyncCalls())
                .setAsyncBlocked(group.getAsyncBlocked())
                .setAsyncBlockedFraction(group.getAsyncCalls() > 0
                        ? (double) group.getAsyncBlocked() / group.getAsyncCalls() : null)
                .setAsyncHostBlockedMeanS(group.getAsyncCalls() > 0
                        ? group.getAsyncHostNs() * NS / group.getAsyncCalls() : null)
                .setGpuOnlyCrossings(group.getGpuOnlyCrossings())
                .setGpuOnlyBytes(group.getGpuOnlyBytes())
                .setBytesUnknownCrossings(group.getBytesUnknownCrossings())
                .setSmallCostCounts(new HashMap<>(small))
                .build();
    }

    /** GPU form: each bin's median; CPU-only form: each bin's p10, robust to hidden waits (DESIGN 4.1). */
    static List<BinPoint> binPoints(CostGroupState group, CostForm form) {
        double quantile = form == CostForm.GPU ? 0.5 : 0.1;
        List<BinPoint> points = new ArrayList<>();
        for (Map.Entry<String, SizeBinState> entry : group.getBins().entrySet()) {
            SizeBinState bin = entry.getValue();
            points.add(new BinPoint((double) bin.getBytes() / bin.getCrossings(),
                    LogHistogram.quantile(bin.getCostCounts(), quantile) * NS, bin.getCrossings()));
        }
        points.sort(Comparator.comparingDouble(BinPoint::meanBytes));
        return points;
    }

    private static Double quantileSeconds(Map<String, Long> counts, double quantile) {
        Double value = LogHistogram.quantile(counts, quantile);
        return value == null ? null : value * NS;
    }

}
