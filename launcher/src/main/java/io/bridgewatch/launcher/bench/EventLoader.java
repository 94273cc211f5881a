package io.bridgewatch.launcher.bench;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.RecordSerializer;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Feeds the simulated fleet into Kafka for the benchmark: one producer for all nodes (large batches, lz4), record
 * timestamps set to event time, every send noted on the {@link EventTimeline}. The same simulator keeps going
 * across calls, so later loads continue the fleet's timeline.
 */
final class EventLoader implements AutoCloseable {
    private static final long NS_PER_MS = 1_000_000;
    private final FleetSimulator fleet;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final EventTimeline timeline = new EventTimeline();
    private final AtomicLong events = new AtomicLong();

    EventLoader(FleetSimulator fleet, String bootstrapServers) {
        this.fleet = fleet;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new RecordSerializer());
    }

    /** Loads events as fast as the producer takes them until at least {@code count} more were sent. */
    long loadAtLeast(long count) throws InterruptedException {
        long target = events.get() + count;
        Sink sink = new Sink();
        while (events.get() < target) {
            fleet.run(Duration.ofSeconds(1), FleetSimulator.Pacing.VIRTUAL, node -> sink, () -> true);
        }
        producer.flush();
        return events.get();
    }

    /**
     * Sends the fleet's events for {@code duration} of wall time, {@code speed} simulated seconds per second (1: the
     * fleet's natural rate), in 50 ms slices of simulated time.
     */
    void loadPaced(Duration duration, double speed) throws InterruptedException {
        Sink sink = new Sink();
        long startNanos = System.nanoTime();
        long simulatedNs = 0;
        long slice = 50_000_000L;
        while (System.nanoTime() - startNanos < duration.toNanos()) {
            fleet.run(Duration.ofNanos(slice), FleetSimulator.Pacing.VIRTUAL, node -> sink, () -> true);
            simulatedNs += slice;
            long aheadNanos = Math.round(simulatedNs / speed) - (System.nanoTime() - startNanos);
            if (aheadNanos > 0) {
                Thread.sleep(aheadNanos / 1_000_000, (int) (aheadNanos % 1_000_000));
            }
        }
        producer.flush();
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

    private final class Sink implements EventSink {
        @Override
        public void nodeInfo(NodeInfo info) {
            producer.send(new ProducerRecord<>(Topics.NODES, null, info.getStartedAtNs() / NS_PER_MS,
                    info.getNodeId(), info));
        }

        @Override
        public void crossing(Crossing c) {
            send(Topics.CROSSINGS, c.getNodeId(), c.getApiStartNs(), c);
        }

        @Override
        public void kernel(KernelExec k) {
            send(Topics.KERNELS, k.getNodeId(), k.getApiStartNs(), k);
        }

        @Override
        public void serving(ServingSample s) {
            send(Topics.SERVING, s.getNodeId(), s.getIntervalEndNs(), s);
        }

        private void send(String topic, String node, long eventTimeNs, SpecificRecord event) {
            long eventMs = eventTimeNs / NS_PER_MS;
            timeline.sent(eventMs, System.nanoTime());
            producer.send(new ProducerRecord<>(topic, null, eventMs, node, event));
            events.incrementAndGet();
        }
    }
}
