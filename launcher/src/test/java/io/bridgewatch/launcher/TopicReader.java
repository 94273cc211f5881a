package io.bridgewatch.launcher;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the start (committed records only) until what was read satisfies a condition. */
final class TopicReader {
    private TopicReader() {
    }

    static <V> List<V> readUntil(String bootstrapServers, String topic, Deserializer<V> values,
            Predicate<List<V>> complete, Duration timeout) {
        List<V> read = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), values)) {
            consumer.subscribe(Set.of(topic));
            await().atMost(timeout).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
                return complete.test(read);
            });
            // Drain what else is already there.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> read.add(r.value()));
        }
        return read;
    }
}
