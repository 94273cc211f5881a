package io.bridgewatch.streams.window;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Tumbling event-time windows per node with final results only, like {@code windowedBy(...).aggregate(...)
 * .suppress(untilWindowCloses)}, but on an {@link ObjectCacheStore} (window states are updated as objects and
 * serialized once per commit) and closed per node: a node's window closes when the node's own event time passes its
 * end plus the grace, or when the task's passes that by the silence too ({@link WindowClose}). Its results are
 * forwarded then and its state deleted. Records for a closed window are counted in the {@code dropped-late-records}
 * sensor (the late-record gate upstream sends them to the dead-letter topic before they get here).
 */
public final class NodeWindowProcessor<V, S, R> implements Processor<String, V, String, R> {
    private static final long NS_PER_MS = 1_000_000;
    private final String storeName;
    private final NodeWindowAggregation<V, S, R> aggregation;
    private final long windowMs;
    private final WindowClose close;
    private final EventClocks clocks = new EventClocks();
    /** Open window starts per node, and all open windows by start (for nodes gone silent). */
    private final Map<String, TreeSet<Long>> openByNode = new HashMap<>();
    private final TreeMap<Long, TreeSet<String>> openByStart = new TreeMap<>();
    private ProcessorContext<String, R> context;
    private ObjectCacheStore<S> store;
    private Sensor droppedLate;

    public NodeWindowProcessor(String storeName, NodeWindowAggregation<V, S, R> aggregation, WindowClose close) {
        this.storeName = storeName;
        this.aggregation = aggregation;
        this.windowMs = close.windowMs();
        this.close = close;
    }

    @Override
    public void init(ProcessorContext<String, R> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.droppedLate = context.metrics().addRateTotalSensor("bridgewatch", storeName, "dropped-late-records",
                Sensor.RecordingLevel.INFO, "task-id", context.taskId().toString());
        // Kafka Streams may initialize the same processor again (a task revived after its transaction was aborted,
        // its state rolled back to the last commit): nothing from before may survive in memory, or a window closed
        // on the old event time would be skipped and its replayed records dropped as late. The open windows are
        // whatever the (restored) store holds.
        openByNode.clear();
        openByStart.clear();
        clocks.reset();
        store.reload();
        for (String key : store.keys()) {
            track(nodeOf(key), windowStartOf(key));
        }
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.value() == null) {
            return;
        }
        String node = record.key();
        long timestamp = record.timestamp();
        long windowStart = close.startOf(timestamp);
        clocks.advance(node, timestamp);
        if (close.isClosed(windowStart, clocks.of(node), clocks.task())) {
            droppedLate.record();
            return;
        }
        String key = key(windowStart, node);
        S state = store.get(key);
        if (state == null) {
            state = aggregation.empty();
            track(node, windowStart); // states restored from the changelog were tracked in init()
        }
        store.put(key, aggregation.add(record.value(), state));
        closeWindowsOf(node);
        closeSilentNodesWindows();
    }

    /** The node's windows its own event time has closed. */
    private void closeWindowsOf(String node) {
        TreeSet<Long> starts = openByNode.get(node);
        while (starts != null && !starts.isEmpty() && close.isClosed(starts.first(), clocks.of(node), clocks.task())) {
            closeWindow(node, starts.first());
        }
    }

    /** Windows of nodes gone silent: the task's event time is a silence past their close. */
    private void closeSilentNodesWindows() {
        while (!openByStart.isEmpty() && close.isClosed(openByStart.firstKey(), Long.MIN_VALUE, clocks.task())) {
            long start = openByStart.firstKey();
            for (String node : new TreeSet<>(openByStart.get(start))) {
                closeWindow(node, start);
            }
        }
    }

    private void closeWindow(String node, long start) {
        TreeSet<Long> starts = openByNode.get(node);
        starts.remove(start);
        if (starts.isEmpty()) {
            openByNode.remove(node);
        }
        TreeSet<String> nodes = openByStart.get(start);
        nodes.remove(node);
        if (nodes.isEmpty()) {
            openByStart.remove(start);
        }
        String key = key(start, node);
        S state = store.get(key);
        store.delete(key);
        if (state == null) {
            return;
        }
        for (R result : aggregation.results(node, start * NS_PER_MS, (start + windowMs) * NS_PER_MS, state)) {
            context.forward(new Record<>(node, result, start + windowMs - 1));
        }
    }

    private void track(String node, long windowStart) {
        openByNode.computeIfAbsent(node, n -> new TreeSet<>()).add(windowStart);
        openByStart.computeIfAbsent(windowStart, w -> new TreeSet<>()).add(node);
    }

    /** Window start (zero-padded, so keys sort by time) and node. */
    private static String key(long windowStartMs, String node) {
        String start = Long.toString(windowStartMs);
        StringBuilder key = new StringBuilder(21 + node.length());
        key.append("0".repeat(Math.max(0, 20 - start.length()))).append(start).append('|').append(node);
        return key.toString();
    }

    private static long windowStartOf(String key) {
        return Long.parseLong(key.substring(0, key.indexOf('|')));
    }

    private static String nodeOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }
}
