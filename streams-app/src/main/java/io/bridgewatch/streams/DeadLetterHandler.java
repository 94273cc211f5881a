package io.bridgewatch.streams;

import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.schema.topics.Topics;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that cannot be read go to the dead-letter topic with their topic, partition, offset and the reason, and
 * the application keeps running. The dead letter is produced by Streams itself, inside the same transaction as the
 * progress it makes, so under exactly-once nothing is lost or doubled.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);
    private static final AtomicLong DEAD_LETTERS = new AtomicLong();
    private static final long LOG_EVERY = 1000;

    private final SingleObjectSerde<DeadLetter> serde = BridgewatchSerdes.deadLetter();

    @Override
    public void configure(Map<String, ?> configs) {
        // No settings: the dead-letter topic is part of the topic contract.
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        long count = DEAD_LETTERS.incrementAndGet();
        if (count == 1 || count % LOG_EVERY == 0) {
            LOG.warn("dead letter #{} from {}-{}@{}: {}", count, context.topic(), context.partition(),
                    context.offset(), exception.getMessage());
        }
        DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic(context.topic())
                .setSourcePartition(context.partition())
                .setSourceOffset(context.offset())
                .setRecordTimestampMs(context.timestamp())
                .setStage("deserialization")
                .setReason(String.valueOf(exception.getMessage()))
                .setErrorClass(exception.getClass().getName())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .build();
        return Response.resume(List.of(new ProducerRecord<>(Topics.DLQ, null, context.timestamp(), record.key(),
                serde.serialize(Topics.DLQ, letter))));
    }

    /** Dead letters written by this process so far. */
    public static long count() {
        return DEAD_LETTERS.get();
    }
}
