package io.bridgewatch.collector.spool;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.DeliveryCounters;
import io.bridgewatch.collector.NodeEventBatcher;
import io.bridgewatch.collector.Outbox;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.RecordSerializer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events through a {@link DiskSpool}: the collector's sender appends each event to disk (and is done with it), and
 * a shipper thread sends the spool to Kafka in order, at most {@code maxInFlight} unacknowledged at a time,
 * moving the spool's cursor as Kafka acknowledges. The producer's batches never expire (see
 * {@code Collector#spooled}): through an outage it retries what it holds, idempotently, while the spool takes the
 * rest, so an outage costs nothing but disk, up to the spool's size, and writes nothing twice. A record the producer
 * does not take ({@code send} timed out on metadata) is offered again, in order. A record Kafka refuses for good
 * (too large, not authorized) is counted as failed and skipped. Only when the producer itself fails does the shipper
 * start a fresh one and resend from the cursor; then, as after a restart of the collector, what the old producer
 * had written unacknowledged (at most {@code maxInFlight}) is written again.
 *
 * <p>The spool keeps one frame per event (so that its counts, drops and cursor are in events); with batching, the
 * shipper packs consecutive spooled events into node event batches as it sends them, and an acknowledged batch
 * acknowledges each of its events. Caught up, it waits the batching linger before reading again, so that batches
 * fill while events trickle in.
 */
public final class SpoolOutbox implements Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolOutbox.class);
    private static final int READ_BATCH = 500;
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final DiskSpool spool;
    private final Supplier<Producer<String, byte[]>> producers;
    private final DeliveryCounters counters;
    private final int maxInFlight;
    private final NodeEventBatcher batcher;
    private final long lingerMs;
    private final RecordSerializer serializer = new RecordSerializer();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicBoolean sendFailed = new AtomicBoolean();
    private final AtomicLong failedRounds = new AtomicLong();
    private final Object appended = new Object();
    private final Thread shipper;
    private volatile boolean running = true;
    private volatile long stopByNanos = Long.MAX_VALUE;
    private Producer<String, byte[]> producer;
    private boolean caughtUp;

    /**
     * @param producers makes a producer of serialized records (a fresh one after a failed send)
     * @param maxInFlight events handed to the producer and not yet acknowledged, at most
     * @param batching how spooled events are packed into node event batches, or empty for a record per event
     */
    public SpoolOutbox(DiskSpool spool, Supplier<Producer<String, byte[]>> producers, DeliveryCounters counters,
            int maxInFlight, Optional<CollectorConfig.Batching> batching, String name) {
        this.spool = spool;
        this.producers = producers;
        this.counters = counters;
        this.maxInFlight = maxInFlight;
        this.batcher = batching.map(NodeEventBatcher::new).orElse(null);
        this.lingerMs = batching.map(b -> b.linger().toMillis()).orElse(0L);
        this.shipper = new Thread(this::ship, "collector-shipper-" + name);
        this.shipper.setDaemon(true);
        this.shipper.start();
    }

    @Override
    public void put(ProducerRecord<String, SpecificRecord> record) {
        spool.append(record.topic(), record.key(), serializer.serialize(record.topic(), record.value()));
        synchronized (appended) {
            appended.notifyAll();
        }
    }

    /** Nothing to do: the shipper batches as it reads the spool. */
    @Override
    public void sendDueBatch() {
    }

    @Override
    public long pending() {
        return spool.pending();
    }

    @Override
    public long dropped() {
        return spool.dropped();
    }

    /** Rounds of resending after a failed send (each: a fresh producer, from the cursor). */
    public long resendRounds() {
        return failedRounds.get();
    }

    private void ship() {
        producer = producers.get();
        try {
            while ((running || spool.pending() > 0) && System.nanoTime() < stopByNanos) {
                try {
                    shipOnce();
                } catch (RuntimeException e) {
                    // Whatever went wrong, the events stay spooled: start over rather than stop shipping.
                    LOG.warn("shipping spooled events failed ({}); starting over", e.toString());
                    sendFailed.set(true);
                }
            }
        } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt(); // closing: what is left stays spooled
        }
    }

    /** One step: start over after a failure, or send the next spooled events there is room for, or wait. */
    private void shipOnce() throws InterruptedException {
        if (sendFailed.get()) {
            startOver();
            return;
        }
        if (caughtUp && lingerMs > 0 && running) {
            TimeUnit.MILLISECONDS.sleep(lingerMs); // let a batch fill while events trickle in
        }
        long room = maxInFlight - inFlight.get();
        int wanted = (int) Math.min(batcher == null ? READ_BATCH : Math.max(READ_BATCH, batcher.maxEvents()), room);
        List<DiskSpool.Entry> entries = room > 0 ? spool.read(wanted) : List.of();
        caughtUp = room > 0 && entries.size() < wanted;
        if (entries.isEmpty()) {
            synchronized (appended) {
                appended.wait(room > 0 ? 50 : 5);
            }
            return;
        }
        for (DiskSpool.Entry entry : entries) {
            if (batcher != null && NodeEventCodec.isBatched(entry.topic())) {
                if (!batcher.fits(entry.key(), entry.value()) && !sendUntilTaken(batcher.drain())) {
                    return;
                }
                batcher.add(entry.key(), entry.value(), entry.sequence());
                continue;
            }
            if (!sendBatched() || !sendUntilTaken(new NodeEventBatcher.Batch(
                    new ProducerRecord<>(entry.topic(), entry.key(), entry.value()), new long[] {entry.sequence()}))) {
                return;
            }
        }
        sendBatched();
    }

    /** Sends what the batcher holds, if anything; false when the round must end (see sendUntilTaken). */
    private boolean sendBatched() throws InterruptedException {
        return batcher == null || batcher.isEmpty() || sendUntilTaken(batcher.drain());
    }

    /**
     * Offers the record until the producer takes it; false when this round ends first (a failed producer, or the
     * close timeout): the spool's cursor has not passed the record's events, so a later round sends them again.
     */
    private boolean sendUntilTaken(NodeEventBatcher.Batch batch) throws InterruptedException {
        while (!send(batch)) {
            if (sendFailed.get() || System.nanoTime() > stopByNanos) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE.toMillis());
        }
        return true;
    }

    /**
     * Hands one record to the producer; false when it did not take it (to be offered again). The producer reports a
     * record it did not take (no metadata for its partition within {@code max.block.ms}, a full buffer) through the
     * callback, before {@code send} returns; its batches never expire, so a retriable error reported later does not
     * happen short of a failed producer.
     */
    private boolean send(NodeEventBatcher.Batch batch) {
        long start = System.nanoTime();
        int events = batch.events();
        Producer<String, byte[]> current = producer;
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicBoolean notTaken = new AtomicBoolean();
        inFlight.addAndGet(events);
        try {
            current.send(batch.record(), (metadata, error) -> {
                inFlight.addAndGet(-events);
                if (error == null) {
                    acknowledge(batch);
                    for (int i = 0; i < events; i++) {
                        counters.acknowledged(start);
                    }
                } else if (sending.get() && error instanceof RetriableException) {
                    notTaken.set(true);
                } else if (refusedForGood(error)) {
                    LOG.error("Kafka refused {} spooled event(s) for good; skipping them: {}", events,
                            error.toString());
                    counters.failed(events);
                    acknowledge(batch);
                } else {
                    failed(current, error);
                }
            });
            sending.set(false);
            return !notTaken.get();
        } catch (KafkaException | IllegalStateException e) {
            // IllegalStateException: the producer was closed by a failure of this round (see failed()).
            inFlight.addAndGet(-events);
            failed(current, e);
            return true;
        }
    }

    private void acknowledge(NodeEventBatcher.Batch batch) {
        for (long sequence : batch.tokens()) {
            spool.acknowledge(sequence);
        }
    }

    /** An error that this record will meet however often it is sent; the producer itself is fine. */
    private static boolean refusedForGood(Exception error) {
        return error instanceof RecordTooLargeException || error instanceof InvalidRecordException
                || error instanceof TopicAuthorizationException || error instanceof InvalidTopicException;
    }

    /**
     * The producer failed (fatally, or closed): everything it still holds is aborted, so that no later record of a
     * partition is written before the failed one is sent again by a fresh producer.
     */
    private void failed(Producer<String, byte[]> current, Exception error) {
        if (sendFailed.compareAndSet(false, true)) {
            LOG.warn("the producer failed ({}); the spooled events are sent again in order by a fresh one",
                    error.toString());
            current.close(Duration.ZERO); // from a callback too: the producer then aborts at once
        }
    }

    /** After a failed send: let what is in flight finish, then a fresh producer resends from the cursor. */
    private void startOver() throws InterruptedException {
        while (inFlight.get() > 0) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        producer.close(Duration.ZERO);
        failedRounds.incrementAndGet();
        TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE.toMillis());
        spool.rewind();
        if (batcher != null) {
            batcher.clear(); // its events are read again from the cursor
        }
        producer = producers.get();
        sendFailed.set(false);
    }

    @Override
    public void close(Duration timeout) throws InterruptedException {
        running = false;
        stopByNanos = System.nanoTime() + timeout.toNanos();
        synchronized (appended) {
            appended.notifyAll();
        }
        shipper.join(timeout.toMillis() + 1_000);
        if (shipper.isAlive()) {
            shipper.interrupt();
            shipper.join(5_000);
        }
        if (producer != null) {
            producer.close(timeout);
        }
        long left = spool.pending();
        if (left > 0) {
            LOG.warn("{} events stay in the spool; the next collector on it sends them", left);
        }
        spool.close();
    }
}
