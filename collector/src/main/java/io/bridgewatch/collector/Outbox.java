package io.bridgewatch.collector;

import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a collector's sender thread hands its events: straight to the Kafka producer ({@link ProducerOutbox}), or
 * to a disk spool that a shipper drains to Kafka in order ({@link io.bridgewatch.collector.spool.SpoolOutbox}).
 */
public interface Outbox {
    /** Takes one event, on the collector's sender thread. */
    void put(ProducerRecord<String, SpecificRecord> record);

    /** Events taken and not yet acknowledged by Kafka (nor dropped or failed). */
    long pending();

    /** Events the outbox gave up to make room (a full spool); 0 for the producer. */
    long dropped();

    /** Hands over what it can within the timeout, then stops. */
    void close(Duration timeout) throws InterruptedException;
}
