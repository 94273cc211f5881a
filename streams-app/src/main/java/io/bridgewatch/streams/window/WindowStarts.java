package io.bridgewatch.streams.window;

/**
 * The start of an event's tumbling window, remembering the latest window: a node's events come in runs of one window,
 * found by two comparisons instead of a 64-bit division (a few per event across the node stages). One per stage and
 * thread. Times are in the window's unit (milliseconds for node windows, nanoseconds for interval pieces).
 */
public final class WindowStarts {
    private final long window;
    /** The latest window, [start, end); empty before the first event. */
    private long start = Long.MAX_VALUE;
    private long end = Long.MIN_VALUE;

    public WindowStarts(long window) {
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.window = window;
    }

    /** What {@link WindowClose#startOf} gives for windows of this size. */
    public long startOf(long time) {
        if (time >= start && time < end) {
            return start;
        }
        start = Math.floorDiv(time, window) * window;
        end = start > Long.MAX_VALUE - window ? Long.MAX_VALUE : start + window;
        return start;
    }
}
