package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.schema.serde.RecordSerializer;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.offline.EndOfInput;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Ends a finite input on a broker: the {@link EndOfInput} watermark into every partition of the event topics, so
 * that every task's stream time passes every window and all of them close (a live fleet never ends; an import or a
 * replay does).
 */
public final class EndOfInputWatermark {
    private EndOfInputWatermark() {
    }

    /** Sends the watermark at {@code instantsMs} ({@link EndOfInput#instantsMs}) and waits until Kafka has it. */
    public static void send(String bootstrapServers, long[] instantsMs) {
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Collector.producerProperties(
                CollectorConfig.defaults(bootstrapServers, "bridgewatch-end-of-input")), new StringSerializer(),
                new RecordSerializer())) {
            producer.send(new ProducerRecord<>(Topics.NODES, EndOfInput.NODE, EndOfInput.node(instantsMs[0])));
            int partitions = producer.partitionsFor(Topics.CROSSINGS).size();
            for (long instant : instantsMs) {
                for (int p = 0; p < partitions; p++) {
                    producer.send(new ProducerRecord<>(Topics.CROSSINGS, p, EndOfInput.NODE,
                            EndOfInput.copy(instant)));
                    producer.send(new ProducerRecord<>(Topics.KERNELS, p, EndOfInput.NODE,
                            EndOfInput.kernel(instant)));
                }
            }
            producer.flush();
        }
    }
}
