package io.bridgewatch.streams.window;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Tumbling event-time windows per node with final results only, like {@code windowedBy(...).aggregate(...)
 * .suppress(untilWindowCloses)}, but on an {@link ObjectCacheStore}: window states are updated as objects and
 * serialized once per commit. A window closes when stream time (the latest record time this task has seen here)
 * passes its end plus the grace ({@link WindowClose}); its results are forwarded then and its state deleted.
 * Records for a closed window are counted in the {@code dropped-late-records} sensor (the late-record gate upstream
 * sends them to the dead-letter topic before they get here).
 */
public final class NodeWindowProcessor<V, S, R> implements Processor<String, V, String, R> {
    private static final long NS_PER_MS = 1_000_000;
    private final String storeName;
    private final NodeWindowAggregation<V, S, R> aggregation;
    private final long windowMs;
    private final WindowClose close;
    private final TreeMap<Long, List<String>> openWindows = new TreeMap<>();
    private final java.util.Set<String> openKeys = new java.util.HashSet<>();
    private ProcessorContext<String, R> context;
    private ObjectCacheStore<S> store;
    private Sensor droppedLate;
    private long streamTimeMs = Long.MIN_VALUE;

    public NodeWindowProcessor(String storeName, NodeWindowAggregation<V, S, R> aggregation, long windowMs,
            long graceMs) {
        this.storeName = storeName;
        this.aggregation = aggregation;
        this.windowMs = windowMs;
        this.close = new WindowClose(windowMs, graceMs);
    }

    @Override
    public void init(ProcessorContext<String, R> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.droppedLate = context.metrics().addRateTotalSensor("bridgewatch", storeName, "dropped-late-records",
                Sensor.RecordingLevel.INFO, "task-id", context.taskId().toString());
        // Kafka Streams may initialize the same processor again (a task revived after its transaction was aborted,
        // its state rolled back to the last commit): nothing from before may survive in memory, or a window closed
        // on the old stream time would be skipped and its replayed records dropped as late. The open windows are
        // whatever the (restored) store holds.
        openWindows.clear();
        openKeys.clear();
        streamTimeMs = Long.MIN_VALUE;
        store.reload();
        for (String key : store.keys()) {
            track(key, windowStartOf(key));
        }
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.value() == null) {
            return;
        }
        long timestamp = record.timestamp();
        long windowStart = close.startOf(timestamp);
        streamTimeMs = Math.max(streamTimeMs, timestamp);
        if (close.isClosed(windowStart, streamTimeMs)) {
            droppedLate.record();
            return;
        }
        String key = key(windowStart, record.key());
        S state = store.get(key);
        if (state == null) {
            state = aggregation.empty();
        }
        // Also for a state this instance did not open (restored from the changelog): it must close here too.
        track(key, windowStart);
        store.put(key, aggregation.add(record.value(), state));
        closeWindows();
    }

    private void closeWindows() {
        while (!openWindows.isEmpty() && close.isClosed(openWindows.firstKey(), streamTimeMs)) {
            Map.Entry<Long, List<String>> window = openWindows.pollFirstEntry();
            long start = window.getKey();
            for (String key : window.getValue()) {
                openKeys.remove(key);
                S state = store.get(key);
                store.delete(key);
                if (state == null) {
                    continue;
                }
                String node = key.substring(key.indexOf('|') + 1);
                for (R result : aggregation.results(node, start * NS_PER_MS, (start + windowMs) * NS_PER_MS, state)) {
                    context.forward(new Record<>(node, result, start + windowMs - 1));
                }
            }
        }
    }

    private void track(String key, long windowStart) {
        if (openKeys.add(key)) {
            openWindows.computeIfAbsent(windowStart, w -> new ArrayList<>()).add(key);
        }
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
}
