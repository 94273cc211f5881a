package io.bridgewatch.streams.late;

import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.streams.window.EventClocks;
import io.bridgewatch.streams.window.WindowClose;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Finds records whose window has already closed, before the window aggregation would drop them silently, by the
 * aggregation's own rule ({@link WindowClose}): per node for node windows (the node's latest event time on this
 * input, or the task's a silence later), per partition for Kafka Streams' cohort windows. Late records are counted
 * in the {@code late-records} sensor (rate and total, tagged with the input) and passed on with a dead letter that
 * says why, for the dead-letter topic.
 */
public final class LateRecordGate<V> implements FixedKeyProcessor<String, V, Gated<V>> {
    private final String input;
    private final Serializer<V> serializer;
    private final WindowClose close;
    private final boolean perNode;
    private final EventClocks clocks = new EventClocks();
    private FixedKeyProcessorContext<String, Gated<V>> context;
    private Sensor lateRecords;

    private LateRecordGate(String input, Serializer<V> serializer, WindowClose close, boolean perNode) {
        this.input = input;
        this.serializer = serializer;
        this.close = close;
        this.perNode = perNode;
    }

    /**
     * For node windows, keyed by node. @param input the input topic (also the sensor's entity), @param serializer to
     * keep the original bytes
     */
    public static <V> LateRecordGate<V> perNode(String input, Serializer<V> serializer, WindowClose close) {
        return new LateRecordGate<>(input, serializer, close, true);
    }

    /** For windows closed by the partition's stream time (Kafka Streams' windowed aggregations). */
    public static <V> LateRecordGate<V> perPartition(String input, Serializer<V> serializer, WindowClose close) {
        return new LateRecordGate<>(input, serializer, close, false);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Gated<V>> context) {
        this.context = context;
        // A revived task replays from its last commit: the stream time it had reached before does not hold.
        clocks.reset();
        this.lateRecords = context.metrics().addRateTotalSensor("bridgewatch", input, "late-records",
                Sensor.RecordingLevel.INFO, "task-id", context.taskId().toString());
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        long timestamp = record.timestamp();
        String key = perNode && record.key() != null ? record.key() : "";
        long windowStart = close.startOf(timestamp);
        boolean late = perNode ? close.isClosed(windowStart, clocks.of(key), clocks.task())
                : clocks.task() != Long.MIN_VALUE && close.isClosed(windowStart, clocks.task());
        if (late) {
            long windowEnd = windowStart + close.windowMs();
            lateRecords.record();
            String reason = String.format(
                    "late: event time %s is in the window ending %s, closed at %s (grace %d ms); %s",
                    Instant.ofEpochMilli(timestamp), Instant.ofEpochMilli(windowEnd),
                    Instant.ofEpochMilli(windowEnd + close.graceMs()), close.graceMs(), perNode
                            ? String.format("the node's event time is %s, the partition's %s (silence %d ms)",
                                    instant(clocks.of(key)), instant(clocks.task()), close.silenceMs())
                            : "stream time is " + instant(clocks.task()));
            context.forward(record.withValue(new Gated<>(record.value(), deadLetter(record, reason))));
            return;
        }
        clocks.advance(key, timestamp);
        context.forward(record.withValue(new Gated<>(record.value(), null)));
    }

    private static String instant(long timeMs) {
        return timeMs == Long.MIN_VALUE ? "none yet" : Instant.ofEpochMilli(timeMs).toString();
    }

    private DeadLetter deadLetter(FixedKeyRecord<String, V> record, String reason) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        return DeadLetter.newBuilder()
                .setSourceTopic(source == null ? input : source.topic())
                .setSourcePartition(source == null ? -1 : source.partition())
                .setSourceOffset(source == null ? -1 : source.offset())
                .setRecordTimestampMs(record.timestamp())
                .setStage("late")
                .setReason(reason)
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(serializer.serialize(input, record.value())))
                .build();
    }
}
