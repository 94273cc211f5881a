package io.bridgewatch.launcher;

import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads node facts, cost windows, serving samples and cohort comparisons back from Kafka into a {@link FleetView}. */
final class ResultsReader implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultsReader.class);
    private static final SingleObjectSerde<CohortComparison> COHORTS = BridgewatchSerdes.of(CohortComparison.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final FleetView view;
    private volatile boolean running = true;

    ResultsReader(String bootstrapServers, FleetView view) {
        this.view = view;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bridgewatch-demo-view-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.NODES, Topics.BRIDGE_COST, Topics.SERVING, Topics.MITIGATION));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    apply(record);
                }
            }
        } catch (WakeupException e) {
            // close() woke us up: stop reading.
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            switch (record.topic()) {
                case Topics.NODES -> view.node(BridgewatchSerdes.nodeInfo().deserialize(record.topic(), record.value()));
                case Topics.BRIDGE_COST -> view.cost(BridgewatchSerdes.bridgeCostWindow()
                        .deserialize(record.topic(), record.value()));
                case Topics.SERVING -> view.serving(BridgewatchSerdes.servingSample()
                        .deserialize(record.topic(), record.value()));
                case Topics.MITIGATION -> view.cohort(COHORTS.deserialize(record.topic(), record.value()));
                default -> {
                }
            }
        } catch (SerializationException e) {
            LOG.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
