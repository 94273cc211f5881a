package io.bridgewatch.launcher.fleet;

import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the dead-letter topic holds, by stage ("late", "enrichment", "deserialization"). */
final class DeadLetters {
    private DeadLetters() {
    }

    static Map<String, Long> countByStage(String bootstrapServers) {
        return countByStage(bootstrapServers, new java.util.ArrayList<>());
    }

    /** Counts by stage, and keeps the first few letters of each stage (key, source, reason) in {@code examples}. */
    static Map<String, Long> countByStage(String bootstrapServers, java.util.List<String> examples) {
        Map<String, Long> byStage = new TreeMap<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "dead-letters-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(Topics.DLQ));
            int emptyPolls = 0;
            while (emptyPolls < 5) {
                var records = consumer.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<String, byte[]> record : records) {
                    DeadLetter letter = BridgewatchSerdes.deadLetter().deserialize(record.topic(), record.value());
                    if (byStage.merge(letter.getStage(), 1L, Long::sum) <= 3) {
                        examples.add(letter.getStage() + " " + record.key() + " from " + letter.getSourceTopic() + "-"
                                + letter.getSourcePartition() + "@" + letter.getSourceOffset() + ": "
                                + letter.getReason());
                    }
                }
            }
        }
        return byStage;
    }
}
