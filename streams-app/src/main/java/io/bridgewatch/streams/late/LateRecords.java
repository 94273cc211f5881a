package io.bridgewatch.streams.late;

import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.streams.window.EventClocks;
import io.bridgewatch.streams.window.WindowClose;
import io.bridgewatch.streams.window.WindowStarts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Finds records whose window has already closed, before the window aggregation would drop them silently, by the
 * aggregation's own rule ({@link WindowClose}): a record is late once the node it comes from has passed its window's
 * close in its own event time on this input, or the task a silence later. Late records are counted in the
 * {@code late-records} sensor (rate and total, tagged with the input) and answered with a dead letter that says why,
 * for the dead-letter topic.
 */
public final class LateRecords<V> {
    private final String input;
    private final Serializer<V> serializer;
    private final WindowClose close;
    private final Function<V, String> nodeOf;
    private final EventClocks clocks = new EventClocks();
    private final WindowStarts windowStarts;
    /** The latest record's node and its clock: a batch's events share them, checked without a lookup. */
    private String lastNode;
    private long[] lastNodeClock;
    private ProcessingContext context;
    private Sensor lateRecords;

    private LateRecords(String input, Serializer<V> serializer, WindowClose close, Function<V, String> nodeOf) {
        this.input = input;
        this.serializer = serializer;
        this.close = close;
        this.windowStarts = new WindowStarts(close.windowMs());
        this.nodeOf = nodeOf;
    }

    /**
     * For records keyed by node. @param input the input topic (also the sensor's entity), @param serializer to keep
     * the original bytes
     */
    public static <V> LateRecords<V> perNode(String input, Serializer<V> serializer, WindowClose close) {
        return new LateRecords<>(input, serializer, close, null);
    }

    /** For records keyed otherwise (by cohort), that name their node. */
    public static <V> LateRecords<V> perNode(String input, Serializer<V> serializer, WindowClose close,
            Function<V, String> nodeOf) {
        return new LateRecords<>(input, serializer, close, nodeOf);
    }

    public void init(ProcessingContext context) {
        this.context = context;
        // A revived task replays from its last commit: the stream time it had reached before does not hold.
        clocks.reset();
        lastNode = null;
        this.lateRecords = context.metrics().addRateTotalSensor("bridgewatch", input, "late-records",
                Sensor.RecordingLevel.INFO, "task-id", context.taskId().toString());
    }

    /** Null for a record on time (its node's clock moves on), else the dead letter that says why it is late. */
    public DeadLetter check(String key, V value, long timestampMs) {
        String node = nodeOf != null ? nodeOf.apply(value) : key == null ? "" : key;
        if (!node.equals(lastNode)) {
            lastNode = node;
            lastNodeClock = clocks.clockOf(node);
        }
        long windowStart = windowStarts.startOf(timestampMs);
        if (!close.isClosed(windowStart, lastNodeClock[0], clocks.task())) {
            clocks.advance(lastNodeClock, timestampMs);
            return null;
        }
        long windowEnd = windowStart + close.windowMs();
        lateRecords.record();
        String reason = String.format(
                "late: event time %s is in the window ending %s, closed at %s (grace %d ms); %s",
                Instant.ofEpochMilli(timestampMs), Instant.ofEpochMilli(windowEnd),
                Instant.ofEpochMilli(windowEnd + close.graceMs()), close.graceMs(),
                String.format("node %s's event time is %s, the partition's %s (silence %d ms)", node,
                        instant(clocks.of(node)), instant(clocks.task()), close.silenceMs()));
        return deadLetter(key, value, timestampMs, reason);
    }

    private static String instant(long timeMs) {
        return timeMs == Long.MIN_VALUE ? "none yet" : Instant.ofEpochMilli(timeMs).toString();
    }

    private DeadLetter deadLetter(String key, V value, long timestampMs, String reason) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        return DeadLetter.newBuilder()
                .setSourceTopic(source == null ? input : source.topic())
                .setSourcePartition(source == null ? -1 : source.partition())
                .setSourceOffset(source == null ? -1 : source.offset())
                .setRecordTimestampMs(timestampMs)
                .setStage("late")
                .setReason(reason)
                .setKey(key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(serializer.serialize(input, value)))
                .build();
    }
}
