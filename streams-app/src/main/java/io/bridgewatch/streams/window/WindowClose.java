package io.bridgewatch.streams.window;

import java.time.Duration;

/**
 * The one rule for when a tumbling event-time window closes: per node, once the node's own latest event time reaches
 * its end plus the grace, or, for a node gone silent, once the task's stream time (the latest event time it has seen)
 * has gone {@code silence} further. Nodes that share a partition or a cohort need not keep pace with each other:
 * after an outage each collector resends its spool at its own speed, and a node minutes behind another loses
 * nothing. A record whose window has closed is late. Used by the late-record gate, the node and cohort window
 * aggregations ({@link NodeTimeWindowProcessor}), phase occurrences and the end-of-input watermark of offline runs.
 */
public record WindowClose(long windowMs, long graceMs, long silenceMs) {
    public WindowClose {
        if (windowMs <= 0 || graceMs < 0 || silenceMs < 0) {
            throw new IllegalArgumentException("window must be positive, grace and silence not negative, got "
                    + windowMs + " ms, " + graceMs + " ms and " + silenceMs + " ms");
        }
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

    /** Whether the node's own time, or the task's stream time {@code silence} later, has closed the window. */
    public boolean isClosed(long windowStartMs, long nodeTimeMs, long taskTimeMs) {
        long closesAt = closesAt(windowStartMs);
        return closesAt <= nodeTimeMs || (taskTimeMs != Long.MIN_VALUE && closesAt + silenceMs <= taskTimeMs);
    }

    /**
     * Whether a node has gone silent: the task's stream time is a silence past the close of the window of the node's
     * latest event. A silent node holds no window open.
     */
    public boolean isSilent(long nodeTimeMs, long taskTimeMs) {
        if (nodeTimeMs == Long.MIN_VALUE || taskTimeMs == Long.MIN_VALUE || taskTimeMs - silenceMs < nodeTimeMs) {
            return false; // a window closes after its events' times, so not before the node's time plus silence
        }
        return closesAt(startOf(nodeTimeMs)) + silenceMs <= taskTimeMs;
    }

    /** How far past an event stream time must move to close its window, at most: window plus grace. */
    public long span() {
        return windowMs + graceMs;
    }
}
