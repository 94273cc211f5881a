package io.bridgewatch.streams.interval;

/** A half-open time interval {@code [startNs, endNs)} in nanoseconds; empty when {@code endNs <= startNs}. */
public record Interval(long startNs, long endNs) {
    public long lengthNs() {
        return Math.max(0, endNs - startNs);
    }

    public boolean isEmpty() {
        return endNs <= startNs;
    }

    /** The part of this interval inside {@code [fromNs, toNs)}. */
    public Interval clip(long fromNs, long toNs) {
        return new Interval(Math.max(startNs, fromNs), Math.min(endNs, toNs));
    }

    /** Whether {@code t} lies in this interval. */
    public boolean contains(long t) {
        return startNs <= t && t < endNs;
    }
}
