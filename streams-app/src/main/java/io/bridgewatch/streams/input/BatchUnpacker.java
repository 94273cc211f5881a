package io.bridgewatch.streams.input;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.SchemaDecodingException;
import io.bridgewatch.schema.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The events of a node event batch, forwarded one by one in batch order, each stamped with its own event time (as
 * {@link io.bridgewatch.streams.EventTimeExtractor} stamps a per-event record). Everything downstream handles one
 * event before the next, so a node's crossings, kernels and serving samples are processed in the order its collector
 * took them, however the broker interleaves partitions. An element that no known schema reads becomes a
 * {@link DeadLetter} (stage 'deserialization', the element's bytes as value), and the rest of the batch goes on.
 */
public final class BatchUnpacker implements FixedKeyProcessor<String, NodeEventBatch, SpecificRecord> {
    private static final long NS_PER_MS = 1_000_000;
    private FixedKeyProcessorContext<String, SpecificRecord> context;

    @Override
    public void init(FixedKeyProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, NodeEventBatch> record) {
        NodeEventBatch batch = record.value();
        if (batch == null) {
            return;
        }
        List<ByteBuffer> elements = batch.getEvents();
        for (int i = 0; i < elements.size(); i++) {
            byte[] element = NodeEventCodec.bytes(elements.get(i));
            SpecificRecord event;
            try {
                event = NodeEventCodec.decode(element);
            } catch (SchemaDecodingException e) {
                context.forward(record.withValue(deadLetter(record, element, i, elements.size(), e)));
                continue;
            }
            context.forward(record.withValue(event).withTimestamp(eventTimeMs(event)));
        }
    }

    private static long eventTimeMs(SpecificRecord event) {
        if (event instanceof Crossing c) {
            return c.getApiStartNs() / NS_PER_MS;
        }
        if (event instanceof KernelExec k) {
            return k.getApiStartNs() / NS_PER_MS;
        }
        return ((ServingSample) event).getIntervalEndNs() / NS_PER_MS;
    }

    private DeadLetter deadLetter(FixedKeyRecord<String, NodeEventBatch> record, byte[] element, int index,
            int count, SchemaDecodingException e) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        return DeadLetter.newBuilder()
                .setSourceTopic(source == null ? Topics.NODE_EVENTS : source.topic())
                .setSourcePartition(source == null ? -1 : source.partition())
                .setSourceOffset(source == null ? -1 : source.offset())
                .setRecordTimestampMs(record.timestamp())
                .setStage("deserialization")
                .setReason("event " + (index + 1) + " of " + count + " of a node event batch: " + e.getMessage())
                .setErrorClass(e.getClass().getName())
                .setKey(record.key() == null ? null
                        : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(element))
                .build();
    }
}
