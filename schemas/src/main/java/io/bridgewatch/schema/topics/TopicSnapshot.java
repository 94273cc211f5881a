package io.bridgewatch.schema.topics;

import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every committed record of a topic up to its end offsets as they are when the read starts, partition by
 * partition in offset order. Done when the consumer's position reaches them: transaction markers take offsets that
 * never arrive as records.
 */
public final class TopicSnapshot {
    private TopicSnapshot() {
    }

    /**
     * Hands each event of the node events topic (unpacked, in batch order) and of the per-event topics to
     * {@code each} with its node's key; a node's events come in the order it sent them when it used one form.
     */
    public static void readEvents(String bootstrapServers, BiConsumer<String, SpecificRecord> each) {
        SingleObjectSerde<NodeEventBatch> batches = BridgewatchSerdes.of(NodeEventBatch.class);
        read(bootstrapServers, Topics.NODE_EVENTS, record -> NodeEventCodec.events(
                batches.deserialize(Topics.NODE_EVENTS, record.value())).forEach(e -> each.accept(record.key(), e)));
        for (String topic : List.of(Topics.CROSSINGS, Topics.KERNELS, Topics.SERVING)) {
            read(bootstrapServers, topic, record -> each.accept(record.key(),
                    NodeEventCodec.decode(record.value())));
        }
    }

    /** Hands each record to {@code each}; returns how many there were. */
    public static long read(String bootstrapServers, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                bootstrapServers, "isolation.level", "read_committed", "max.poll.records", 5_000),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                        count++;
                    }
                }
            }
            return count;
        }
    }
}
