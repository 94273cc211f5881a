package io.bridgewatch.collector;

import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a collector's sender thread hands its events: straight to the Kafka producer ({@link ProducerOutbox}), or
 * to a disk spool that a shipper drains to Kafka in order ({@link io.bridgewatch.collector.spool.SpoolOutbox}); both
 * pack a node's events into node event batches when batching is on ({@link NodeEventBatcher}).
 */
public interface Outbox {
    /** Takes one event, on the collector's sender thread. */
    void put(ProducerRecord<String, SpecificRecord> record);

    /**
     * Sends the events batched so far when the oldest has waited the batching linger; the sender thread calls it
     * between events (and when none came for a while).
     */
    void sendDueBatch();

    /** Events taken and not yet acknowledged by Kafka (nor dropped or failed). */
    long pending();

    /** Events the outbox gave up to make room (a full spool); 0 for the producer. */
    long dropped();

    /** Hands over what it can within the timeout, then stops. */
    void close(Duration timeout) throws InterruptedException;
}
