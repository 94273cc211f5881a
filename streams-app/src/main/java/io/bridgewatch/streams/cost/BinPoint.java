package io.bridgewatch.streams.cost;

/** One log2(bytes) bin of crossings: their mean size and a representative cost (median or p10), in seconds. */
public record BinPoint(double meanBytes, double costSeconds, long crossings) {
}
