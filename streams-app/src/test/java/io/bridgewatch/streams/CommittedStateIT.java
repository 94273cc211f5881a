package io.bridgewatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.internal.CostGroupState;
import io.bridgewatch.streams.internal.CostWindowState;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * What a commit covers, on a real broker under exactly-once: once the input offsets of some events are committed,
 * the changelog's committed records hold the open window those events went into. A task restored from the changelog
 * after a fault (an instance killed, a broker gone, a rebalance) replays only the events after the committed offsets,
 * so any event whose offset is committed but whose state is not in the changelog is lost from its window.
 */
class CommittedStateIT {
    private static final String APPLICATION = "committed-state";
    private static final int EVENTS = 40;

    @Test
    void shouldHoldEveryCommittedEventOfAnOpenWindowInTheCommittedChangelog() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            new TopicProvisioner(admin, (short) 1).ensure(Topics.all(1));
            StreamsAppConfig config = new StreamsAppConfig(broker.bootstrapServers(), APPLICATION,
                    Files.createTempDirectory("bw-committed-state-"), 1, TopologyConfig.DEFAULTS);
            try (KafkaStreams streams = new KafkaStreams(BridgeTopology.build(TopologyConfig.DEFAULTS),
                    config.toProperties())) {
                streams.start();
                produceCrossingsOfOneOpenWindow(broker.bootstrapServers());
                TopicPartition input = new TopicPartition(Topics.CROSSINGS, 0);
                await().atMost(Duration.ofMinutes(1)).until(() -> committedOffset(admin, input) == EVENTS);

                Map<String, byte[]> windows = committedChangelog(broker.bootstrapServers(),
                        APPLICATION + "-" + StoreNames.BRIDGE_COST_WINDOWS + "-changelog");
                assertThat(windows).as("the open window of node n1").hasSize(1);
                CostWindowState state = BridgewatchSerdes.of(CostWindowState.class).deserializer()
                        .deserialize("", windows.values().iterator().next());
                assertThat(state.getGroups().values().stream().mapToLong(CostGroupState::getCrossings).sum())
                        .as("crossings of the committed offsets in the committed window state").isEqualTo(EVENTS);
                assertThat(committedChangelog(broker.bootstrapServers(),
                        APPLICATION + "-" + StoreNames.STREAM_TAILS + "-changelog"))
                        .as("the GPU stream's tail").hasSize(1);
            }
        }
    }

    /** Node n1's copies, one every 100 ms within one 10 s window of the current time: none closes it. */
    private static void produceCrossingsOfOneOpenWindow(String bootstrapServers) {
        long windowStart = System.currentTimeMillis() / 10_000 * 10_000 * TestEvents.MS;
        try (KafkaProducer<String, Crossing> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                BridgewatchSerdes.crossing().serializer())) {
            for (int i = 0; i < EVENTS; i++) {
                long a = windowStart + i * 100 * TestEvents.MS;
                Crossing copy = TestEvents.copy(a, a + 20 * TestEvents.US, a + 30 * TestEvents.US,
                        a + 50 * TestEvents.US, 4096).setCorrelationId(i).build();
                producer.send(new ProducerRecord<>(Topics.CROSSINGS, "n1", copy));
            }
        }
    }

    private static long committedOffset(Admin admin, TopicPartition partition) throws Exception {
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(APPLICATION).partitionsToOffsetAndMetadata()
                .get().get(partition);
        return committed == null ? -1 : committed.offset();
    }

    /** The latest committed value of each key of a changelog (tombstones remove the key). */
    private static Map<String, byte[]> committedChangelog(String bootstrapServers, String topic) {
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        latest.remove(record.key());
                    } else {
                        latest.put(record.key(), record.value());
                    }
                }
            }
        }
        return latest;
    }
}
