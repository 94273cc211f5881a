package io.bridgewatch.collector;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events straight to the idempotent producer, which retries in order through broker hiccups for its delivery
 * timeout; what it still cannot deliver then is counted as failed (lost).
 */
final class ProducerOutbox implements Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerOutbox.class);
    private final Producer<String, SpecificRecord> producer;
    private final DeliveryCounters counters;
    private final AtomicLong handed = new AtomicLong();

    ProducerOutbox(Producer<String, SpecificRecord> producer, DeliveryCounters counters) {
        this.producer = producer;
        this.counters = counters;
    }

    @Override
    public void put(ProducerRecord<String, SpecificRecord> record) {
        long start = System.nanoTime();
        handed.incrementAndGet();
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                counters.acknowledged(start);
            } else {
                counters.failed(1);
                LOG.warn("Kafka refused an event for {}: {}", record.topic(), error.getMessage());
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
        producer.close(timeout);
    }
}
