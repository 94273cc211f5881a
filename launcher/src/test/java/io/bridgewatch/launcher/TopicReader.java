package io.bridgewatch.launcher;

import static org.awaitility.Awaitility.await;

import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the start (committed records only) until what was read satisfies a condition. */
final class TopicReader {
    private TopicReader() {
    }

    /**
     * The events of one type from the start, wherever collectors put them: in node event batches or on the type's
     * own topic ({@code topic}).
     */
    static <V extends SpecificRecord> List<V> readEventsUntil(String bootstrapServers, String topic, Class<V> type,
            Predicate<List<V>> complete, Duration timeout) {
        SingleObjectSerde<NodeEventBatch> batches = BridgewatchSerdes.of(NodeEventBatch.class);
        SingleObjectSerde<V> singles = BridgewatchSerdes.of(type);
        return read(bootstrapServers, Set.of(topic, Topics.NODE_EVENTS), new ByteArrayDeserializer(),
                (record, read) -> {
                    if (record.topic().equals(Topics.NODE_EVENTS)) {
                        NodeEventCodec.events(batches.deserialize(record.topic(), record.value())).stream()
                                .filter(type::isInstance).map(type::cast).forEach(read::add);
                    } else {
                        read.add(singles.deserialize(record.topic(), record.value()));
                    }
                }, complete, timeout);
    }

    static <V> List<V> readUntil(String bootstrapServers, String topic, Deserializer<V> values,
            Predicate<List<V>> complete, Duration timeout) {
        return read(bootstrapServers, Set.of(topic), values, (record, read) -> read.add(record.value()), complete,
                timeout);
    }

    /** Reads the topics, adding what each record gives, until the condition holds; then what else is there. */
    private static <R, V> List<V> read(String bootstrapServers, Set<String> topics, Deserializer<R> values,
            BiConsumer<ConsumerRecord<String, R>, List<V>> add, Predicate<List<V>> complete, Duration timeout) {
        List<V> read = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + String.join("-", topics) + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), values)) {
            consumer.subscribe(topics);
            await().atMost(timeout).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> add.accept(record, read));
                return complete.test(read);
            });
            // Drain what else is already there.
            consumer.poll(Duration.ofMillis(500)).forEach(record -> add.accept(record, read));
        }
        return read;
    }
}
