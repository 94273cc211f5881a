package io.bridgewatch.collector;

import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.RecordSerializer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events straight to the idempotent producer, packed into node event batches when batching is on, which retries in
 * order through broker hiccups for its delivery timeout; what it still cannot deliver then is counted as failed
 * (lost).
 */
final class ProducerOutbox implements Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerOutbox.class);
    private final Producer<String, byte[]> producer;
    private final DeliveryCounters counters;
    private final NodeEventBatcher batcher;
    private final RecordSerializer serializer = new RecordSerializer();
    private final AtomicLong handed = new AtomicLong();

    ProducerOutbox(Producer<String, byte[]> producer, DeliveryCounters counters,
            Optional<CollectorConfig.Batching> batching) {
        this.producer = producer;
        this.counters = counters;
        this.batcher = batching.map(NodeEventBatcher::new).orElse(null);
    }

    @Override
    public void put(ProducerRecord<String, SpecificRecord> record) {
        long handedAt = System.nanoTime();
        handed.incrementAndGet();
        byte[] value = serializer.serialize(record.topic(), record.value());
        if (batcher != null && NodeEventCodec.isBatched(record.topic())) {
            batcher.offer(record.key(), value, handedAt, this::send);
            return;
        }
        flush(); // what was batched before it goes first
        send(new ProducerRecord<>(record.topic(), record.key(), value), new long[] {handedAt});
    }

    @Override
    public void sendDueBatch() {
        if (batcher != null && batcher.isDue(System.nanoTime())) {
            send(batcher.drain());
        }
    }

    private void flush() {
        if (batcher != null && !batcher.isEmpty()) {
            send(batcher.drain());
        }
    }

    private void send(NodeEventBatcher.Batch batch) {
        send(batch.record(), batch.tokens());
    }

    /** @param handedAt when each event of the record was handed over, for the send latency */
    private void send(ProducerRecord<String, byte[]> record, long[] handedAt) {
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                for (long at : handedAt) {
                    counters.acknowledged(at);
                }
            } else {
                counters.failed(handedAt.length);
                LOG.warn("Kafka refused {} event(s) for {}: {}", handedAt.length, record.topic(), error.getMessage());
            }
        });
    }

    @Override
    public long pending() {
        return handed.get() - counters.sent() - counters.failed();
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public void close(Duration timeout) {
        flush();
        producer.close(timeout);
    }
}
