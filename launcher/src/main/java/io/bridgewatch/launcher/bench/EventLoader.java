package io.bridgewatch.launcher.bench;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.NodeEventBatcher;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.RecordSerializer;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.simulator.FleetSimulator;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Feeds the simulated fleet into Kafka for the benchmark as collectors do: each node's copies and kernels in node
 * event batches (the collectors' default limits), or one record each on their own topics (as collectors with
 * {@code batch.enabled=false} do); serving samples and node facts one record each; one producer for all nodes (large
 * batches, lz4), record timestamps set to event time (a batch's: its last event's). A backlog load sends a node's
 * partial batches at the end of every second of fleet time; a paced (live) load sends a partial batch once its first
 * event has waited the collectors' linger in wall time, as a collector's sender does (a fleet sped up 15x fills a
 * node's batch with 300 ms of its events in the 20 ms linger, not with the 50 ms of a simulation slice), and notes
 * each event-time millisecond's first hand-over on the {@link EventTimeline}, so that a result's latency includes the
 * linger. The same simulator keeps going across calls, so later loads continue the fleet's timeline.
 */
final class EventLoader implements AutoCloseable {
    private static final long NS_PER_MS = 1_000_000;
    private final FleetSimulator fleet;
    private final KafkaProducer<String, byte[]> producer;
    private final RecordSerializer serializer = new RecordSerializer();
    private final boolean batched;
    private final Map<String, NodeEventBatcher> batchers = new HashMap<>();
    private final EventTimeline timeline = new EventTimeline();
    private final AtomicLong events = new AtomicLong();
    /** Whether hand-overs are noted on the timeline: in live runs, whose results are timed, not for a backlog. */
    private boolean timing;
    /** Sends the broker refused, and the first reason: a benchmark over records that are not there would lie. */
    private final AtomicLong refused = new AtomicLong();
    private final AtomicReference<Exception> firstRefusal = new AtomicReference<>();
    private final Callback onSent = (metadata, error) -> {
        if (error != null) {
            refused.incrementAndGet();
            firstRefusal.compareAndSet(null, error);
        }
    };

    /** @param batched copies and kernels in node event batches, else a record each on their own topics */
    EventLoader(FleetSimulator fleet, String bootstrapServers, boolean batched) {
        this.fleet = fleet;
        this.batched = batched;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Loads events as fast as the producer takes them until at least {@code count} more were sent. */
    long loadAtLeast(long count) throws InterruptedException {
        long target = events.get() + count;
        timing = false;
        Sink sink = new Sink();
        while (events.get() < target) {
            fleet.run(Duration.ofSeconds(1), FleetSimulator.Pacing.VIRTUAL, node -> sink, () -> true);
            sendPartialBatches();
        }
        flush();
        return events.get();
    }

    /**
     * Sends the fleet's events for {@code duration} of wall time, {@code speed} simulated seconds per second (1: the
     * fleet's natural rate), in 50 ms slices of simulated time.
     */
    void loadPaced(Duration duration, double speed) throws InterruptedException {
        timing = true;
        Sink sink = new Sink();
        long startNanos = System.nanoTime();
        long simulatedNs = 0;
        long slice = 50_000_000L;
        while (System.nanoTime() - startNanos < duration.toNanos()) {
            fleet.run(Duration.ofNanos(slice), FleetSimulator.Pacing.VIRTUAL, node -> sink, () -> true);
            sendDueBatches(System.nanoTime());
            simulatedNs += slice;
            long aheadNanos = Math.round(simulatedNs / speed) - (System.nanoTime() - startNanos);
            if (aheadNanos > 0) {
                Thread.sleep(aheadNanos / 1_000_000, (int) (aheadNanos % 1_000_000));
            }
        }
        sendPartialBatches();
        flush();
    }

    /** Waits for every send's answer; fails when the broker refused any. */
    private void flush() {
        producer.flush();
        if (refused.get() > 0) {
            throw new IllegalStateException("the broker refused " + refused.get() + " of the benchmark's records",
                    firstRefusal.get());
        }
    }

    long events() {
        return events.get();
    }

    EventTimeline timeline() {
        return timeline;
    }

    @Override
    public void close() {
        producer.close();
    }

    private void sendPartialBatches() {
        for (NodeEventBatcher batcher : batchers.values()) {
            if (!batcher.isEmpty()) {
                send(batcher.drain());
            }
        }
    }

    /** Sends each partial batch whose first event has waited the linger by {@code nowNanos}. */
    private void sendDueBatches(long nowNanos) {
        for (NodeEventBatcher batcher : batchers.values()) {
            if (batcher.isDue(nowNanos)) {
                send(batcher.drain());
            }
        }
    }

    /** A batch as one record at its last event's time; its events' times are the batcher's tokens. */
    private void send(NodeEventBatcher.Batch batch) {
        long[] eventMs = batch.tokens();
        ProducerRecord<String, byte[]> record = batch.record();
        producer.send(new ProducerRecord<>(record.topic(), null, eventMs[eventMs.length - 1], record.key(),
                record.value()), onSent);
        events.addAndGet(eventMs.length);
    }

    private final class Sink implements EventSink {
        @Override
        public void nodeInfo(NodeInfo info) {
            producer.send(new ProducerRecord<>(Topics.NODES, null, info.getStartedAtNs() / NS_PER_MS,
                    info.getNodeId(), serializer.serialize(Topics.NODES, info)), onSent);
        }

        @Override
        public void crossing(Crossing c) {
            event(Topics.CROSSINGS, c.getNodeId(), c.getApiStartNs(), c);
        }

        @Override
        public void kernel(KernelExec k) {
            event(Topics.KERNELS, k.getNodeId(), k.getApiStartNs(), k);
        }

        @Override
        public void serving(ServingSample s) {
            single(Topics.SERVING, s.getNodeId(), s.getIntervalEndNs(), s);
        }

        private void event(String topic, String node, long eventTimeNs, SpecificRecord event) {
            if (batched) {
                batch(node, eventTimeNs, event);
            } else {
                single(topic, node, eventTimeNs, event);
            }
        }

        private void single(String topic, String node, long eventTimeNs, SpecificRecord event) {
            long eventMs = eventTimeNs / NS_PER_MS;
            noteHandOver(eventMs);
            producer.send(new ProducerRecord<>(topic, null, eventMs, node, serializer.serialize(topic, event)),
                    onSent);
            events.incrementAndGet();
        }

        private void batch(String node, long eventTimeNs, SpecificRecord event) {
            long eventMs = eventTimeNs / NS_PER_MS;
            noteHandOver(eventMs);
            byte[] encoded = NodeEventCodec.encode(event);
            NodeEventBatcher batcher = batchers.computeIfAbsent(node,
                    n -> new NodeEventBatcher(CollectorConfig.Batching.DEFAULT));
            batcher.offer(node, encoded, eventMs, EventLoader.this::send);
        }

        private void noteHandOver(long eventMs) {
            if (timing) {
                timeline.handedOver(eventMs);
            }
        }
    }
}
