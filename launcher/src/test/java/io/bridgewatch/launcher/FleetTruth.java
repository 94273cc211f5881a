package io.bridgewatch.launcher;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.simulator.CopyOverlap;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.GroundTruth;
import io.bridgewatch.simulator.Scenario;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What really happened, from a second run of the same deterministic simulation (with GPU tracing, whatever the
 * pipeline saw): per node, the GPU copy intervals of context 1 per window and the tokens per window; plus each
 * node's mechanism truth (toll, bandwidth, async blocking).
 */
final class FleetTruth {
    private final long windowNs;
    /** GPU intervals {start, end} of context-1 copies, per node and node window of their start. */
    private final Map<String, Map<Long, List<long[]>>> copies = new HashMap<>();
    private final Map<String, Map<Long, long[]>> tokens = new HashMap<>();
    private final Map<String, GroundTruth> mechanism;

    /** @param nodeWindow the pipeline's node window, the unit of the concurrency truth */
    FleetTruth(Scenario scenario, long startNs, Duration duration, Duration nodeWindow) throws InterruptedException {
        this.windowNs = nodeWindow.toNanos();
        Scenario traced = new Scenario(scenario.seed(), scenario.defaults().withGpuTracing(true), scenario.bridge(),
                scenario.nodes());
        FleetSimulator fleet = new FleetSimulator(traced, startNs);
        fleet.run(duration, FleetSimulator.Pacing.VIRTUAL, node -> new Capture(), () -> true);
        mechanism = fleet.groundTruth();
    }

    Map<String, GroundTruth> mechanism() {
        return mechanism;
    }

    /** The true copy concurrency index of the node's context 1 in the node window starting at windowStartNs. */
    double concurrencyIndex(String node, long windowStartNs) {
        long[] timeAndUnion = copyTimeAndUnion(node, windowStartNs);
        return (double) timeAndUnion[0] / timeAndUnion[1];
    }

    /**
     * The node's context-1 concurrency index pooled over the node windows starting in [fromNs, toNs), as cohort
     * windows pool it: summed copy time over summed copy union.
     */
    double pooledConcurrencyIndex(String node, long fromNs, long toNs) {
        long time = 0;
        long union = 0;
        for (long start = fromNs; start < toNs; start += windowNs) {
            long[] timeAndUnion = copyTimeAndUnion(node, start);
            time += timeAndUnion[0];
            union += timeAndUnion[1];
        }
        return (double) time / union;
    }

    /**
     * Copy time (the sum of the copies' lengths) and copy union (the length of their union) within one node window,
     * over the copies clipped to it (the simulator's own sweep, apart from the pipeline's interval code).
     */
    private long[] copyTimeAndUnion(String node, long windowStartNs) {
        long windowEndNs = windowStartNs + windowNs;
        long window = Math.floorDiv(windowStartNs, windowNs);
        List<long[]> clipped = new ArrayList<>();
        for (long w = window - 1; w <= window; w++) {
            for (long[] copy : copies.get(node).getOrDefault(w, List.of())) {
                long start = Math.max(copy[0], windowStartNs);
                long end = Math.min(copy[1], windowEndNs);
                if (end > start) {
                    clipped.add(new long[] {start, end});
                }
            }
        }
        return CopyOverlap.timeAndUnion(clipped);
    }

    /** Output tokens per second of the node over the serving intervals that start in the window. */
    double tokensPerSecond(String node, long windowStartNs, long cohortWindowNs) {
        long produced = 0;
        long sampledNs = 0;
        for (Map.Entry<Long, long[]> e : tokens.get(node).entrySet()) {
            if (e.getKey() >= windowStartNs && e.getKey() < windowStartNs + cohortWindowNs) {
                produced += e.getValue()[0];
                sampledNs += e.getValue()[1];
            }
        }
        return produced * 1e9 / sampledNs;
    }

    private final class Capture implements EventSink {
        @Override
        public void nodeInfo(NodeInfo info) {
        }

        @Override
        public void crossing(Crossing c) {
            if (c.getContextId() == 1) {
                copies.computeIfAbsent(c.getNodeId(), n -> new HashMap<>())
                        .computeIfAbsent(Math.floorDiv(c.getGpuStartNs(), windowNs), w -> new ArrayList<>())
                        .add(new long[] {c.getGpuStartNs(), c.getGpuEndNs()});
            }
        }

        @Override
        public void kernel(KernelExec kernel) {
        }

        @Override
        public void serving(ServingSample s) {
            tokens.computeIfAbsent(s.getNodeId(), n -> new HashMap<>()).put(s.getIntervalStartNs(),
                    new long[] {s.getOutputTokens(), s.getIntervalEndNs() - s.getIntervalStartNs()});
        }
    }
}
