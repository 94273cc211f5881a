package io.bridgewatch.streams.window;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Tumbling event-time windows with final results only, like {@code windowedBy(...).aggregate(...)
 * .suppress(untilWindowCloses)}, but closed on the event time of the nodes that feed them ({@link WindowNodes}) rather
 * than on the partition's, and kept on an {@link ObjectCacheStore} (window states are updated as objects and
 * serialized once per commit).
 *
 * <p>A window closes once every node feeding its key has passed its end plus the grace in its own event time, or
 * once the task's event time has passed that by the silence too ({@link WindowClose}). A feeder that has gone silent
 * (the task's time a silence past the close of its own latest window) holds nothing open. So nodes that share a
 * partition, or a cohort, need not keep pace: after an outage each collector resends its spool at its own speed and
 * a node minutes behind another loses nothing. A node window's only feeder is its node: then the rule is exactly the
 * per-node one. Closed windows are emitted and their state deleted. Records for a closed window are counted in the
 * {@code dropped-late-records} sensor (the late-record gate upstream sends most of them, by the same rule, to the
 * dead-letter topic before they get here).
 *
 * <p>Driven by a processor: {@link NodeTimeWindowProcessor} record by record, or one that runs several stages per
 * record (a node event batch through every node window, {@code NodeEventProcessor}).
 */
public final class NodeTimeWindows<V, S, R> {
    private static final long NS_PER_MS = 1_000_000;
    /** No window open (the emptiness of the sets says so; this only keeps the minimum simple). */
    private static final long NONE_OPEN = Long.MAX_VALUE;
    private final String storeName;
    private final WindowAggregation<V, S, R> aggregation;
    private final WindowNodes<V, S> nodes;
    private final long windowMs;
    private final WindowClose close;
    private final WindowStarts windowStarts;
    private final EventClocks clocks = new EventClocks();
    /** Per window key, its open windows, feeders and close mark; kept while the task runs (as its feeders were). */
    private final Map<String, KeyWindows> keys = new HashMap<>();
    /** All open windows by start, for keys gone silent. */
    private final TreeMap<Long, TreeSet<String>> openByStart = new TreeMap<>();
    /** The first of {@link #openByStart}'s starts, or {@link #NONE_OPEN}: looked at after every record. */
    private long earliestOpen = NONE_OPEN;
    /** The latest record's key and its windows: a batch's events share them, found without a lookup. */
    private String lastKey;
    private KeyWindows lastWindows;
    /**
     * The latest record's window while it is open (a null store key when there is none), its store key and state: a
     * node's events come in runs of one window, known open without a lookup.
     */
    private long lastStart;
    private String lastStoreKey;
    private S lastState;
    /**
     * The latest two records' feeders and their clocks: a batch's events share a node, and windows that merge a
     * node's inputs see its copies and kernels in turn.
     */
    private String lastNode;
    private long[] lastNodeClock;
    private String otherNode;
    private long[] otherNodeClock;
    private ObjectCacheStore<S> store;
    private Sensor droppedLate;

    /** A window key's open window starts, the nodes feeding it that have not gone silent, and what has closed. */
    private static final class KeyWindows {
        final TreeSet<Long> open = new TreeSet<>();
        /** The first of {@link #open}, or {@link #NONE_OPEN}: looked at after every record. */
        long firstOpen = NONE_OPEN;
        final Set<String> feeders = new HashSet<>();
        /** The feeder added last (a run of one node's events adds it once), null once a feeder has gone. */
        String lastFeeder;
        /** A close time up to which the key's windows are closed, whichever node feeds them next. */
        long closedThrough = Long.MIN_VALUE;

        void opened(long start) {
            open.add(start);
            firstOpen = Math.min(firstOpen, start);
        }

        void closed(long start) {
            open.remove(start);
            firstOpen = open.isEmpty() ? NONE_OPEN : open.first();
        }

        void addFeeder(String feeder) {
            if (feeder != lastFeeder) {
                feeders.add(feeder);
                lastFeeder = feeder;
            }
        }
    }

    public NodeTimeWindows(String storeName, WindowAggregation<V, S, R> aggregation, WindowNodes<V, S> nodes,
            WindowClose close) {
        this.storeName = storeName;
        this.aggregation = aggregation;
        this.nodes = nodes;
        this.windowMs = close.windowMs();
        this.close = close;
        this.windowStarts = new WindowStarts(close.windowMs());
    }

    /**
     * Binds to the task's store and starts from what it holds. Kafka Streams may initialize the same processor
     * again (a task revived after its transaction was aborted, its state rolled back to the last commit): nothing
     * from before may survive in memory, or a window closed on the old event time would be skipped and its replayed
     * records dropped as late. The open windows are whatever the (restored) store holds; a feeder's clock starts at
     * its latest open window (a lower bound, so nothing closes early), and the windows closing before a key's first
     * open one had closed already.
     */
    public void init(ProcessingContext context) {
        this.store = context.getStateStore(storeName);
        this.droppedLate = context.metrics().addRateTotalSensor("bridgewatch", storeName, "dropped-late-records",
                Sensor.RecordingLevel.INFO, "task-id", context.taskId().toString());
        keys.clear();
        openByStart.clear();
        earliestOpen = NONE_OPEN;
        clocks.reset();
        lastKey = null;
        lastWindows = null;
        lastStoreKey = null;
        lastNode = null;
        otherNode = null;
        store.reload();
        for (String storeKey : store.keys()) {
            String key = windowKeyOf(storeKey);
            long start = windowStartOf(storeKey);
            KeyWindows windows = keys.computeIfAbsent(key, k -> new KeyWindows());
            track(windows, key, start);
            for (String node : nodes.ofState(key, store.get(storeKey))) {
                windows.addFeeder(node);
                clocks.advance(node, start);
            }
        }
        keys.values().forEach(windows -> windows.closedThrough = windows.open.first());
    }

    /** Every open window's provisional figures, stamped like its final result. */
    public void emitProvisional(Emitter<? super R> out) {
        keys.forEach((key, windows) -> {
            for (long start : windows.open) {
                S state = store.get(storeKey(start, key));
                if (state == null) {
                    continue;
                }
                for (R result : aggregation.provisional(key, start * NS_PER_MS, (start + windowMs) * NS_PER_MS,
                        state)) {
                    out.emit(key, result, start + windowMs - 1);
                }
            }
        });
    }

    /** Folds the value into its window and emits the windows that this closes. */
    public void add(String key, V value, long timestampMs, Emitter<? super R> out) {
        long windowStart = windowStarts.startOf(timestampMs);
        String node = nodes.ofRecord(key, value);
        clocks.advance(clockOf(node), timestampMs);
        if (!key.equals(lastKey)) {
            lastKey = key;
            lastWindows = keys.computeIfAbsent(key, k -> new KeyWindows());
            lastStoreKey = null;
        }
        KeyWindows windows = lastWindows;
        windows.addFeeder(node);
        if (windowStart != lastStart || lastStoreKey == null) {
            if (!windows.open.contains(windowStart)) {
                if (isClosed(windows, windowStart, null)) {
                    droppedLate.record();
                    return;
                }
                track(windows, key, windowStart);
            }
            lastStart = windowStart;
            lastStoreKey = storeKey(windowStart, key);
            lastState = store.get(lastStoreKey);
        }
        lastState = aggregation.add(value, lastState == null ? aggregation.empty() : lastState);
        store.put(lastStoreKey, lastState);
        closeWindowsOf(windows, key, node, out);
        closeSilentKeysWindows(out);
    }

    /** The feeder's clock, the latest two without a lookup. */
    private long[] clockOf(String node) {
        if (!node.equals(lastNode)) {
            String node2 = otherNode;
            long[] clock2 = otherNodeClock;
            otherNode = lastNode;
            otherNodeClock = lastNodeClock;
            lastNode = node;
            lastNodeClock = node.equals(node2) ? clock2 : clocks.clockOf(node);
        }
        return lastNodeClock;
    }

    /**
     * Whether the key's window has closed: before what the key has closed already, by the task's time a silence
     * past its close, or by every feeder that has not gone silent having passed its close.
     *
     * @param feeder a feeder of the key looked at first (the one that just fed): when it has neither passed the close
     *     nor gone silent, the window is open
     */
    private boolean isClosed(KeyWindows windows, long windowStart, String feeder) {
        long closesAt = close.closesAt(windowStart);
        if (closesAt <= windows.closedThrough || close.isClosed(windowStart, Long.MIN_VALUE, clocks.task())) {
            return true;
        }
        if (feeder != null) {
            long feederTime = feeder.equals(lastNode) ? lastNodeClock[0] : clocks.of(feeder);
            if (feederTime < closesAt && !close.isSilent(feederTime, clocks.task())) {
                return false; // as the loop below would find, without walking the key's feeders
            }
        }
        for (Iterator<String> it = windows.feeders.iterator(); it.hasNext(); ) {
            long nodeTime = clocks.of(it.next());
            if (close.isSilent(nodeTime, clocks.task())) {
                it.remove();
                windows.lastFeeder = null;
            } else if (nodeTime < closesAt) {
                return false;
            }
        }
        return true;
    }

    /** The key's windows its feeders' event time has closed, earliest first (a later one never closes first). */
    private void closeWindowsOf(KeyWindows windows, String key, String feeder, Emitter<? super R> out) {
        while (!windows.open.isEmpty() && isClosed(windows, windows.firstOpen, feeder)) {
            closeWindow(windows, key, windows.firstOpen, out);
        }
    }

    /** Windows of keys gone silent: the task's event time is a silence past their close. */
    private void closeSilentKeysWindows(Emitter<? super R> out) {
        while (!openByStart.isEmpty() && close.isClosed(earliestOpen, Long.MIN_VALUE, clocks.task())) {
            long start = earliestOpen;
            for (String key : new TreeSet<>(openByStart.get(start))) {
                closeWindow(keys.get(key), key, start, out);
            }
        }
    }

    private void closeWindow(KeyWindows windows, String key, long start, Emitter<? super R> out) {
        if (start == lastStart && key.equals(lastKey)) {
            lastStoreKey = null;
        }
        windows.closed(start);
        TreeSet<String> startKeys = openByStart.get(start);
        startKeys.remove(key);
        if (startKeys.isEmpty()) {
            openByStart.remove(start);
            earliestOpen = openByStart.isEmpty() ? NONE_OPEN : openByStart.firstKey();
        }
        windows.closedThrough = Math.max(windows.closedThrough, close.closesAt(start));
        String storeKey = storeKey(start, key);
        S state = store.get(storeKey);
        store.delete(storeKey);
        if (state == null) {
            return;
        }
        for (R result : aggregation.results(key, start * NS_PER_MS, (start + windowMs) * NS_PER_MS, state)) {
            out.emit(key, result, start + windowMs - 1);
        }
    }

    private void track(KeyWindows windows, String key, long windowStart) {
        windows.opened(windowStart);
        openByStart.computeIfAbsent(windowStart, w -> new TreeSet<>()).add(key);
        earliestOpen = Math.min(earliestOpen, windowStart);
    }

    /** Window start (zero-padded, so keys sort by time) and window key. */
    private static String storeKey(long windowStartMs, String key) {
        String start = Long.toString(windowStartMs);
        StringBuilder storeKey = new StringBuilder(21 + key.length());
        storeKey.append("0".repeat(Math.max(0, 20 - start.length()))).append(start).append('|').append(key);
        return storeKey.toString();
    }

    private static long windowStartOf(String storeKey) {
        return Long.parseLong(storeKey.substring(0, storeKey.indexOf('|')));
    }

    private static String windowKeyOf(String storeKey) {
        return storeKey.substring(storeKey.indexOf('|') + 1);
    }
}
