package io.bridgewatch.collector;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.RecordSerializer;
import io.bridgewatch.schema.topics.Topics;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a finite source (an imported trace) to Kafka without losing anything: unlike the live {@link Collector},
 * which drops rather than stall the application it watches, it waits when the producer's buffer is full, and it
 * counts every acknowledgement, so {@link #finish()} can say exactly whether everything arrived. Same producer
 * settings (idempotent, acks=all, in order), keys (node id) and batching (full node event batches; a trace has no
 * reason to linger) as the collector.
 */
public final class TracePublisher implements EventSink, AutoCloseable {
    /** How the publish went: everything handed over was acknowledged, or not (and the first error). */
    public record Outcome(long sent, long acknowledged, long failed, Exception firstError) {
        public boolean complete() {
            return failed == 0 && acknowledged == sent;
        }
    }

    private final String nodeId;
    private final KafkaProducer<String, byte[]> producer;
    private final RecordSerializer serializer = new RecordSerializer();
    private final NodeEventBatcher batcher;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private long sent;

    public TracePublisher(String nodeId, CollectorConfig config) {
        this.nodeId = nodeId;
        this.producer = new KafkaProducer<>(Collector.producerProperties(config), new StringSerializer(),
                new ByteArraySerializer());
        this.batcher = config.batching().map(NodeEventBatcher::new).orElse(null);
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        send(Topics.NODES, info);
    }

    @Override
    public void crossing(Crossing crossing) {
        send(Topics.CROSSINGS, crossing);
    }

    @Override
    public void kernel(KernelExec kernel) {
        send(Topics.KERNELS, kernel);
    }

    @Override
    public void serving(ServingSample sample) {
        send(Topics.SERVING, sample);
    }

    private void send(String topic, SpecificRecord event) {
        if (firstError.get() != null) {
            throw new PublishException("Kafka refused an earlier event of this import", firstError.get());
        }
        sent++;
        byte[] value = serializer.serialize(topic, event);
        if (batcher != null && NodeEventCodec.isBatched(topic)) {
            batcher.offer(nodeId, value, 0, this::send);
            return;
        }
        if (batcher != null && !batcher.isEmpty()) {
            send(batcher.drain());
        }
        send(new ProducerRecord<>(topic, nodeId, value), 1);
    }

    private void send(NodeEventBatcher.Batch batch) {
        send(batch.record(), batch.events());
    }

    private void send(ProducerRecord<String, byte[]> record, int events) {
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                acknowledged.addAndGet(events);
            } else {
                failed.addAndGet(events);
                firstError.compareAndSet(null, error);
            }
        });
    }

    /** Waits for every acknowledgement (or failure) and says how it went. */
    public Outcome finish() {
        if (batcher != null && !batcher.isEmpty()) {
            send(batcher.drain());
        }
        producer.flush();
        return new Outcome(sent, acknowledged.get(), failed.get(), firstError.get());
    }

    public long sent() {
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }

    /** An event could not be published; the import stops there. */
    public static final class PublishException extends RuntimeException {
        PublishException(String message, Throwable cause) {
            super(message + ": " + cause.getMessage(), cause);
        }
    }
}
