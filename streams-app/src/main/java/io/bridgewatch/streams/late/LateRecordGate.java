package io.bridgewatch.streams.late;

import io.bridgewatch.schema.DeadLetter;
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
 * Finds records whose window has already closed, before the window aggregation would drop them silently: a record
 * is late when stream time (the latest timestamp this task has seen on this input) has passed the end of its
 * window plus the grace period. Late records are counted in the {@code late-records} sensor (rate and total, tagged
 * with the input) and passed on with a dead letter that says why, for the dead-letter topic.
 */
public final class LateRecordGate<V> implements FixedKeyProcessor<String, V, Gated<V>> {
    private final String input;
    private final Serializer<V> serializer;
    private final WindowClose close;
    private FixedKeyProcessorContext<String, Gated<V>> context;
    private Sensor lateRecords;
    private long streamTimeMs = Long.MIN_VALUE;

    /** @param input the input topic (also the sensor's entity), @param serializer to keep the original bytes */
    public LateRecordGate(String input, Serializer<V> serializer, long windowMs, long graceMs) {
        this.input = input;
        this.serializer = serializer;
        this.close = new WindowClose(windowMs, graceMs);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Gated<V>> context) {
        this.context = context;
        // A revived task replays from its last commit: the stream time it had reached before does not hold.
        this.streamTimeMs = Long.MIN_VALUE;
        this.lateRecords = context.metrics().addRateTotalSensor("bridgewatch", input, "late-records",
                Sensor.RecordingLevel.INFO, "task-id", context.taskId().toString());
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        long timestamp = record.timestamp();
        if (streamTimeMs != Long.MIN_VALUE && close.isLate(timestamp, streamTimeMs)) {
            long windowEnd = close.startOf(timestamp) + close.windowMs();
            lateRecords.record();
            String reason = String.format(
                    "late: event time %s is in the window ending %s, closed at %s (grace %d ms); stream time is %s",
                    Instant.ofEpochMilli(timestamp), Instant.ofEpochMilli(windowEnd),
                    Instant.ofEpochMilli(windowEnd + close.graceMs()), close.graceMs(),
                    Instant.ofEpochMilli(streamTimeMs));
            context.forward(record.withValue(new Gated<>(record.value(), deadLetter(record, reason))));
            return;
        }
        streamTimeMs = Math.max(streamTimeMs, timestamp);
        context.forward(record.withValue(new Gated<>(record.value(), null)));
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
