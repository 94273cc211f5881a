package io.bridgewatch.streams.window;

import java.time.Duration;

/**
 * The one rule for when a tumbling event-time window closes: once stream time (the latest record time a task has
 * seen) reaches its end plus the grace. A record whose window has closed is late. Used by the late-record gate, the
 * node-window aggregations and the end-of-input watermark of offline runs.
 */
public record WindowClose(long windowMs, long graceMs) {
    public WindowClose {
        if (windowMs <= 0 || graceMs < 0) {
            throw new IllegalArgumentException("window must be positive and grace not negative, got " + windowMs
                    + " ms and " + graceMs + " ms");
        }
    }

    public static WindowClose of(Duration window, Duration grace) {
        return new WindowClose(window.toMillis(), grace.toMillis());
    }

    /** The start of the window an event at {@code timestampMs} belongs to. */
    public long startOf(long timestampMs) {
        return Math.floorDiv(timestampMs, windowMs) * windowMs;
    }

    /** The stream time at which the window starting at {@code windowStartMs} closes. */
    public long closesAt(long windowStartMs) {
        return windowStartMs + windowMs + graceMs;
    }

    public boolean isClosed(long windowStartMs, long streamTimeMs) {
        return closesAt(windowStartMs) <= streamTimeMs;
    }

    /** Whether an event at {@code timestampMs} comes after its window closed. */
    public boolean isLate(long timestampMs, long streamTimeMs) {
        return isClosed(startOf(timestampMs), streamTimeMs);
    }

    /** How far past an event stream time must move to close its window, at most: window plus grace. */
    public long span() {
        return windowMs + graceMs;
    }
}
