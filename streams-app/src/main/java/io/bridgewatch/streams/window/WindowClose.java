package io.bridgewatch.streams.window;

import java.time.Duration;

/**
 * The one rule for when a tumbling event-time window closes. Per partition (cohort windows, Kafka Streams' own): once
 * stream time (the latest record time a task has seen) reaches its end plus the grace. Per node (node windows): once
 * the node's own latest event time reaches it, or, for a node gone silent, once the task's stream time has gone
 * {@code silence} further. Nodes that share a partition need not keep pace with each other: after an outage each
 * collector resends its spool at its own speed, and a node minutes behind another loses nothing. A record whose
 * window has closed is late. Used by the late-record gate, the node-window aggregations, phase occurrences and the
 * end-of-input watermark of offline runs.
 */
public record WindowClose(long windowMs, long graceMs, long silenceMs) {
    public WindowClose {
        if (windowMs <= 0 || graceMs < 0 || silenceMs < 0) {
            throw new IllegalArgumentException("window must be positive, grace and silence not negative, got "
                    + windowMs + " ms, " + graceMs + " ms and " + silenceMs + " ms");
        }
    }

    /** Windows closed by the partition's stream time alone. */
    public WindowClose(long windowMs, long graceMs) {
        this(windowMs, graceMs, 0);
    }

    public static WindowClose of(Duration window, Duration grace) {
        return new WindowClose(window.toMillis(), grace.toMillis());
    }

    public static WindowClose perNode(Duration window, Duration grace, Duration silence) {
        return new WindowClose(window.toMillis(), grace.toMillis(), silence.toMillis());
    }

    /** The start of the window an event at {@code timestampMs} belongs to. */
    public long startOf(long timestampMs) {
        return Math.floorDiv(timestampMs, windowMs) * windowMs;
    }

    /** The stream time at which the window starting at {@code windowStartMs} closes. */
    public long closesAt(long windowStartMs) {
        return windowStartMs + windowMs + graceMs;
    }

    /** Per partition: whether stream time has closed the window. */
    public boolean isClosed(long windowStartMs, long streamTimeMs) {
        return closesAt(windowStartMs) <= streamTimeMs;
    }

    /** Per node: whether the node's own time, or the task's stream time {@code silence} later, has closed it. */
    public boolean isClosed(long windowStartMs, long nodeTimeMs, long taskTimeMs) {
        long closesAt = closesAt(windowStartMs);
        return closesAt <= nodeTimeMs || (taskTimeMs != Long.MIN_VALUE && closesAt + silenceMs <= taskTimeMs);
    }

    /** Whether an event at {@code timestampMs} comes after its window closed (per partition). */
    public boolean isLate(long timestampMs, long streamTimeMs) {
        return isClosed(startOf(timestampMs), streamTimeMs);
    }

    /** How far past an event stream time must move to close its window, at most: window plus grace. */
    public long span() {
        return windowMs + graceMs;
    }
}
