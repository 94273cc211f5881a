package io.bridgewatch.collector;

/** A collector's counters at one moment. */
public record CollectorStats(long accepted, long sent, long dropped, long failed, int queueDepth) {
}
