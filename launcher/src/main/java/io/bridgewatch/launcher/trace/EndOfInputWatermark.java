package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.RecordSerializer;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.offline.EndOfInput;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Ends a finite input on a broker: the {@link EndOfInput} watermark into every partition of the event topics and of
 * the cohort repartition, so that every task's stream time passes every window and all of them close (a live fleet
 * never ends; an import or a replay does).
 */
public final class EndOfInputWatermark {
    private EndOfInputWatermark() {
    }

    /**
     * Sends the watermark at {@code instantsMs} ({@link EndOfInput#instantsMs}) as the watermark nodes that cover
     * every partition ({@link EndOfInput#nodesCovering}) and waits until Kafka has it.
     *
     * @return the watermark nodes
     */
    public static List<String> send(String bootstrapServers, long[] instantsMs) {
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Collector.producerProperties(
                CollectorConfig.defaults(bootstrapServers, "bridgewatch-end-of-input")), new StringSerializer(),
                new RecordSerializer())) {
            List<String> nodes = EndOfInput.nodesCovering(producer.partitionsFor(Topics.CROSSINGS).size());
            for (String node : nodes) {
                producer.send(new ProducerRecord<>(Topics.NODES, node, EndOfInput.node(node, instantsMs[0])));
            }
            // In both forms, behind the input in every partition whichever form the input came in.
            for (long instant : instantsMs) {
                for (String node : nodes) {
                    Crossing copy = EndOfInput.copy(node, instant);
                    KernelExec kernel = EndOfInput.kernel(node, instant);
                    producer.send(new ProducerRecord<>(Topics.CROSSINGS, node, copy));
                    producer.send(new ProducerRecord<>(Topics.KERNELS, node, kernel));
                    producer.send(new ProducerRecord<>(Topics.NODE_EVENTS, node, NodeEventCodec.batch(node,
                            List.of(NodeEventCodec.encode(copy), NodeEventCodec.encode(kernel)))));
                }
            }
            producer.flush();
            return nodes;
        }
    }
}
