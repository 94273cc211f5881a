package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.streams.internal.CostGroupState;
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

    private static final int DIRECTIONS = Direction.values().length;
    private static final int HOST_MEMORY_KINDS = HostMemoryKind.values().length;
    private static final int FORMS = CostForm.values().length;
    /** Per GPU index, the group keys by route and form ({@link #groupKey}). */
    private final Map<Integer, String[]> keysByGpu = new HashMap<>();
    /** The latest sample's GPU, route and key: a node's crossings come in runs of one group. */
    private int lastGpu = -1;
    private int lastRoute = -1;
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
        // Not computeIfAbsent: its lambda, capturing the sample, was made anew for every crossing.
        CostGroupState group = state.getGroups().get(key);
        if (group == null) {
            group = new CostGroupState(sample.gpuIndex(), sample.direction().name(), sample.hostMemory().name(),
                    sample.form().name(), 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, new BucketCounts(), new BucketCounts(), 0L,
                    0L, new HashMap<>(), 0L);
            state.getGroups().put(key, group);
        }
        if (!sample.hostCall()) {
            group.setGpuOnlyCrossings(group.getGpuOnlyCrossings() + 1);
            group.setGpuOnlyBytes(group.getGpuOnlyBytes() + sample.bytes());
            return state;
        }
        if (sample.asyncRequested()) {
            group.setAsyncCalls(group.getAsyncCalls() + 1);
            group.setAsyncHostNs(group.getAsyncHostNs() + sample.hostLatencyNs());
            if (sample.asyncBlocked()) {
                group.setAsyncBlocked(group.getAsyncBlocked() + 1);
            }
        }
        if (!sample.charged()) {
            return state;
        }
        group.setCrossings(group.getCrossings() + 1);
        long costNs = sample.costNs();
        group.setCostSumNs(group.getCostSumNs() + costNs);
        int bucket = LogHistogram.bucketIndexOf(costNs);
        LogHistogram.addToBucket(group.getCostCounts(), bucket);
        if (!sample.bytesKnown()) {
            // Its cost counts; with no size it can say nothing about bytes, bandwidth or small crossings.
            group.setBytesUnknownCrossings(group.getBytesUnknownCrossings() + 1);
            return state;
        }
        group.setBytes(group.getBytes() + sample.bytes());
        if (sample.bytes() <= SMALL_CROSSING_BYTES) {
            LogHistogram.addToBucket(group.getSmallCounts(), bucket);
        }
        if (sample.hasGpuDuration() && sample.bytes() > DMA_MIN_BYTES) {
            group.setDmaBytes(group.getDmaBytes() + sample.bytes());
            group.setDmaNs(group.getDmaNs() + sample.gpuDurationNs());
        }
        String bin = SIZE_BIN_KEYS[63 - Long.numberOfLeadingZeros(Math.max(1, sample.bytes()))];
        SizeBinState sizeBin = group.getBins().computeIfAbsent(bin, b -> new SizeBinState(0L, 0L, new BucketCounts()));
        sizeBin.setCrossings(sizeBin.getCrossings() + 1);
        sizeBin.setBytes(sizeBin.getBytes() + sample.bytes());
        LogHistogram.addToBucket(sizeBin.getCostCounts(), bucket);
        return state;
    }

    /** The state's key of the sample's group, made once per group (a node's crossings switch among a few). */
    private String groupKey(CostSample sample) {
        int route = (sample.direction().ordinal() * HOST_MEMORY_KINDS + sample.hostMemory().ordinal()) * FORMS
                + sample.form().ordinal();
        if (sample.gpuIndex() == lastGpu && route == lastRoute) {
            return lastKey;
        }
        lastGpu = sample.gpuIndex();
        lastRoute = route;
        lastKey = keyOf(sample, route);
        return lastKey;
    }

    private String keyOf(CostSample sample, int route) {
        String[] keys = keysByGpu.get(sample.gpuIndex());
        if (keys == null) {
            keys = new String[DIRECTIONS * HOST_MEMORY_KINDS * FORMS];
            keysByGpu.put(sample.gpuIndex(), keys);
        }
        if (keys[route] == null) {
            keys[route] = sample.gpuIndex() + "|" + sample.direction() + "|" + sample.hostMemory() + "|"
                    + sample.form();
        }
        return keys[route];
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
