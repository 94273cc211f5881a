package io.bridgewatch.streams.window;

import java.util.HashMap;
import java.util.Map;

/**
 * Event time as a task has seen it: per key (a node's latest event) and for the whole task (the latest of all). Kept
 * in memory: a task that starts over (moved, revived) starts from nothing and so closes nothing early.
 */
public final class EventClocks {
    private final Map<String, Long> byKey = new HashMap<>();
    private long task = Long.MIN_VALUE;

    /** Moves the key's clock and the task's to {@code timeMs} if it is later. */
    public void advance(String key, long timeMs) {
        byKey.merge(key, timeMs, Math::max);
        task = Math.max(task, timeMs);
    }

    /** The key's latest event time, or {@link Long#MIN_VALUE} before its first. */
    public long of(String key) {
        return byKey.getOrDefault(key, Long.MIN_VALUE);
    }

    public long task() {
        return task;
    }

    public void reset() {
        byKey.clear();
        task = Long.MIN_VALUE;
    }
}
