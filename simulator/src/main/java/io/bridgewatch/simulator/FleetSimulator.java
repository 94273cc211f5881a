package io.bridgewatch.simulator;

import io.bridgewatch.schema.EventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A deterministic simulated fleet (DESIGN section 5). Nodes advance together in small slices of simulated time;
 * in {@link Pacing#VIRTUAL} as fast as the sinks take events, in {@link Pacing#REAL_TIME} one simulated second per
 * wall-clock second. The same seed and scenario give the same events.
 */
public final class FleetSimulator {
    /** How simulated time relates to the wall clock. */
    public enum Pacing {
        /** As fast as possible; a sink that cannot keep up drops (what a live agent would do). */
        VIRTUAL,
        /** As fast as the sinks deliver: every simulated second each sink is flushed (replays, demo, tests). */
        LOCKSTEP,
        /** One simulated second per wall-clock second. */
        REAL_TIME
    }

    static final long SLICE_NS = 50_000_000L;
    static final long LOCKSTEP_FLUSH_EVERY_NS = 1_000_000_000L;

    private final List<NodeSimulator> nodes = new ArrayList<>();
    private final long startNs;
    private long simulatedNs;

    public FleetSimulator(Scenario scenario, long startEpochNs) {
        this.startNs = startEpochNs;
        this.simulatedNs = startEpochNs;
        for (int i = 0; i < scenario.nodes().size(); i++) {
            nodes.add(new NodeSimulator(scenario, i, startEpochNs));
        }
    }

    public List<NodeSimulator> nodes() {
        return List.copyOf(nodes);
    }

    /** Ground truth per node id, in scenario order. */
    public Map<String, GroundTruth> groundTruth() {
        Map<String, GroundTruth> truth = new LinkedHashMap<>();
        nodes.forEach(n -> truth.put(n.info().getNodeId(), n.groundTruth()));
        return truth;
    }

    /**
     * Runs for {@code duration} of simulated time (or until {@code keepGoing} says stop), sending each node's
     * NodeInfo first and then its events to the sink {@code sinkFor} gives for the node id.
     */
    public void run(Duration duration, Pacing pacing, Function<String, EventSink> sinkFor,
            BooleanSupplier keepGoing) throws InterruptedException {
        if (simulatedNs == startNs) {
            nodes.forEach(n -> sinkFor.apply(n.info().getNodeId()).nodeInfo(n.info()));
        }
        long endNs = simulatedNs + duration.toNanos();
        long wallStartNanos = System.nanoTime();
        long simulatedAtWallStart = simulatedNs;
        while (simulatedNs < endNs && keepGoing.getAsBoolean()) {
            simulatedNs = Math.min(endNs, simulatedNs + SLICE_NS);
            for (NodeSimulator node : nodes) {
                node.advanceTo(simulatedNs, sinkFor.apply(node.info().getNodeId()));
            }
            if (pacing == Pacing.LOCKSTEP && (simulatedNs - startNs) % LOCKSTEP_FLUSH_EVERY_NS == 0) {
                for (NodeSimulator node : nodes) {
                    sinkFor.apply(node.info().getNodeId()).flush();
                }
            }
            if (pacing == Pacing.REAL_TIME) {
                long aheadNanos = (simulatedNs - simulatedAtWallStart) - (System.nanoTime() - wallStartNanos);
                if (aheadNanos > 0) {
                    Thread.sleep(aheadNanos / 1_000_000, (int) (aheadNanos % 1_000_000));
                }
            }
        }
    }

    /** Simulated time reached so far, nanoseconds since the epoch. */
    public long simulatedNs() {
        return simulatedNs;
    }
}
