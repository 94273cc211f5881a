package io.bridgewatch.streams.parity;

import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.streams.cohort.CohortSamples;
import io.bridgewatch.streams.internal.CohortSample;
import io.bridgewatch.streams.internal.KernelDurations;
import io.bridgewatch.streams.internal.KernelWindowState;
import io.bridgewatch.streams.stats.BucketCounts;
import io.bridgewatch.streams.stats.LogHistogram;
import io.bridgewatch.streams.window.WindowAggregation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** GPU durations of a node's kernels per match key (DESIGN 4.6), and the merge of such maps. */
public final class KernelDurationAggregator {
    private final MatchKeys matchKeys = new MatchKeys();

    private KernelDurationAggregator() {
    }

    /**
     * Per node window: kernel durations, reported as one cohort sample (compute parity is cohort-level). One per
     * processor: it remembers the latest kernels' match keys (one thread only).
     */
    public static WindowAggregation<KernelExec, KernelWindowState, CohortSample> aggregation() {
        KernelDurationAggregator aggregator = new KernelDurationAggregator();
        return WindowAggregation.of(KernelDurationAggregator::empty, aggregator::add,
                (node, startNs, endNs, state) -> state.getKernels().isEmpty() ? List.of()
                        : List.of(CohortSample.newBuilder().setNodeId(node).setInput(CohortSamples.KERNELS)
                                .setKernels(state.getKernels()).build()));
    }

    /** 'graph id' for a graph launch; else 'name|grid x,y,z|block x,y,z'. */
    public static String matchKey(KernelExec k) {
        if (k.getGraphId() != null) {
            return "graph " + k.getGraphId();
        }
        StringBuilder key = new StringBuilder(k.getKernelName().length() + 40).append(k.getKernelName())
                .append("|grid ");
        appendDims(key, k.getGrid());
        appendDims(key.append("|block "), k.getBlock());
        return key.toString();
    }

    public static boolean hasGpuTimes(KernelExec k) {
        return k.getGpuStartNs() != null && k.getGpuEndNs() != null;
    }

    public static KernelWindowState empty() {
        return new KernelWindowState(new HashMap<>());
    }

    KernelWindowState add(KernelExec k, KernelWindowState state) {
        String key = matchKeys.of(k);
        KernelDurations durations = state.getKernels().get(key); // no lambda capturing the kernel per launch
        if (durations == null) {
            durations = new KernelDurations(k.getKernelName(), new BucketCounts());
            state.getKernels().put(key, durations);
        }
        LogHistogram.add(durations.getCounts(), k.getGpuEndNs() - k.getGpuStartNs());
        return state;
    }

    /** Adds the durations of {@code more} into {@code into}. */
    public static void merge(Map<String, KernelDurations> into, Map<String, KernelDurations> more) {
        more.forEach((key, durations) -> {
            KernelDurations mine = into.computeIfAbsent(key, k -> new KernelDurations(durations.getName(),
                    new HashMap<>()));
            LogHistogram.merge(mine.getCounts(), durations.getCounts());
        });
    }

    /** The dimensions joined by commas (once per kernel: a plain loop, not a stream). */
    private static void appendDims(StringBuilder key, List<Integer> dims) {
        for (int i = 0; i < dims.size(); i++) {
            if (i > 0) {
                key.append(',');
            }
            key.append(dims.get(i));
        }
    }
}
