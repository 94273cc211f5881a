package io.bridgewatch.streams.window;

import java.util.HashMap;
import java.util.Map;

/**
 * Event time as a task has seen it: per key (a node's latest event) and for the whole task (the latest of all). Kept
 * in memory: a task that starts over (moved, revived) starts from nothing and so closes nothing early.
 */
public final class EventClocks {
    /** Per key, its latest event time, changed in place (advanced on every event: no boxing per event). */
    private final Map<String, long[]> byKey = new HashMap<>();
    private long task = Long.MIN_VALUE;

    /** Moves the key's clock and the task's to {@code timeMs} if it is later. */
    public void advance(String key, long timeMs) {
        long[] clock = byKey.get(key);
        if (clock == null) {
            byKey.put(key, new long[] {timeMs});
        } else if (timeMs > clock[0]) {
            clock[0] = timeMs;
        }
        task = Math.max(task, timeMs);
    }

    /**
     * The key's clock itself, created at {@link Long#MIN_VALUE} when it has none, to advance with
     * {@link #advance(long[], long)} without a lookup: valid until {@link #reset()}.
     */
    public long[] clockOf(String key) {
        return byKey.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE});
    }

    /** Moves a clock from {@link #clockOf} and the task's to {@code timeMs} if it is later. */
    public void advance(long[] clock, long timeMs) {
        if (timeMs > clock[0]) {
            clock[0] = timeMs;
        }
        task = Math.max(task, timeMs);
    }

    /** The key's latest event time, or {@link Long#MIN_VALUE} before its first. */
    public long of(String key) {
        long[] clock = byKey.get(key);
        return clock == null ? Long.MIN_VALUE : clock[0];
    }

    public long task() {
        return task;
    }

    public void reset() {
        byKey.clear();
        task = Long.MIN_VALUE;
    }
}
