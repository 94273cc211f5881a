package io.bridgewatch.simulator;

import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import java.util.ArrayList;
import java.util.List;

/**
 * What really happened on one simulated node, straight from its timeline, so tests can hold the analytics to it.
 * Throughput is measured over decode (from the end of the model load to the last delivered token).
 */
public final class GroundTruth {
    private final String nodeId;
    private final BridgeModel bridge;
    private long decodeStartNs = -1;
    private long lastTokenNs;
    private long tokens;
    private long steps;
    private long modelLoadNs = -1;
    private final List<Long> kvRestoreNs = new ArrayList<>();

    GroundTruth(String nodeId, BridgeModel bridge) {
        this.nodeId = nodeId;
        this.bridge = bridge;
    }

    void modelLoaded(long startNs, long endNs) {
        modelLoadNs = endNs - startNs;
        decodeStartNs = endNs;
    }

    void kvRestored(long durationNs) {
        kvRestoreNs.add(durationNs);
    }

    void tokensDelivered(long atNs, int count) {
        tokens += count;
        steps++;
        lastTokenNs = atNs;
    }

    public String nodeId() {
        return nodeId;
    }

    /** The true toll of the path, in seconds (before a scenario's toll change, if the node has one). */
    public double tollSeconds(Direction direction, HostMemoryKind memory) {
        return bridge.tollSeconds(direction, memory);
    }

    public double bandwidthBytesPerSecond(Direction direction, HostMemoryKind memory) {
        return bridge.bandwidthBytesPerSecond(direction, memory);
    }

    /** Whether an async copy from pinned memory holds its thread until done (CC: yes; reference: no). */
    public boolean asyncPinnedCopiesBlock() {
        return bridge.blocksIssuer(true, HostMemoryKind.PINNED);
    }

    /** Output tokens per second over the decode part of the run. */
    public double tokensPerSecond() {
        long span = lastTokenNs - decodeStartNs;
        return span <= 0 ? 0 : tokens * 1e9 / span;
    }

    public long tokens() {
        return tokens;
    }

    /** Mean decode step time in seconds, restores included. */
    public double meanStepSeconds() {
        return steps == 0 ? 0 : (lastTokenNs - decodeStartNs) / 1e9 / steps;
    }

    /** Model load duration in seconds, or NaN before it finished. */
    public double modelLoadSeconds() {
        return modelLoadNs < 0 ? Double.NaN : modelLoadNs / 1e9;
    }

    /** Durations of the KV restores so far, in seconds. */
    public List<Double> kvRestoreSeconds() {
        return kvRestoreNs.stream().map(ns -> ns / 1e9).toList();
    }
}
