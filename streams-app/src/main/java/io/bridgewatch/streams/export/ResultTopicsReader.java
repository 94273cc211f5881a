package io.bridgewatch.streams.export;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads node facts and result topics (committed records only) into a {@link ResultHandler}: the metrics exporter,
 * the demo's table. Readers of one group share the partitions like the streams-app's instances; with the consumer's
 * default range assignment a reader gets the same partitions of every topic, so the facts of exactly the nodes
 * whose results it reads.
 */
public final class ResultTopicsReader implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultTopicsReader.class);
    /** What the metrics exporter reads. */
    public static final List<String> RESULTS = List.of(Topics.NODES, Topics.BRIDGE_COST, Topics.CONCURRENCY,
            Topics.PHASES, Topics.MITIGATION);
    private static final SingleObjectSerde<ConcurrencyWindow> CONCURRENCY = BridgewatchSerdes.of(ConcurrencyWindow.class);
    private static final SingleObjectSerde<PhaseOccurrence> PHASES = BridgewatchSerdes.of(PhaseOccurrence.class);
    private static final SingleObjectSerde<CohortComparison> COHORTS = BridgewatchSerdes.of(CohortComparison.class);
    private static final SingleObjectSerde<BridgeCostWindow> COSTS = BridgewatchSerdes.bridgeCostWindow();

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final ResultHandler handler;
    private volatile boolean running = true;

    public ResultTopicsReader(String bootstrapServers, String groupId, List<String> topics, ResultHandler handler) {
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics);
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
        if (record.value() == null) {
            return;
        }
        try {
            switch (record.topic()) {
                case Topics.NODES -> handler.node(BridgewatchSerdes.nodeInfo().deserialize(record.topic(),
                        record.value()));
                case Topics.SERVING -> handler.serving(BridgewatchSerdes.servingSample().deserialize(record.topic(),
                        record.value()));
                case Topics.BRIDGE_COST -> handler.cost(COSTS.deserialize(record.topic(), record.value()));
                case Topics.CONCURRENCY -> handler.concurrency(CONCURRENCY.deserialize(record.topic(), record.value()));
                case Topics.PHASES -> handler.phase(PHASES.deserialize(record.topic(), record.value()));
                case Topics.MITIGATION -> handler.cohort(COHORTS.deserialize(record.topic(), record.value()));
                default -> {
                }
            }
        } catch (SerializationException e) {
            LOG.warn("skipping unreadable result {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
