package io.bridgewatch.launcher.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.offline.EndOfInput;
import io.bridgewatch.streams.offline.OfflinePipeline;
import io.bridgewatch.streams.query.AvroJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The result records of a range of offsets of every result topic (committed records only), by their identity:
 * a node window (node, gpu, route or context, form, window start), a phase occurrence, a cohort variant's window.
 * A second record with the identity of an earlier one is a duplicate.
 */
final class ResultRows {
    static final List<String> TOPICS = List.of(Topics.BRIDGE_COST, Topics.CONCURRENCY, Topics.PHASES,
            Topics.MITIGATION, Topics.COMPUTE_PARITY);

    final Map<String, JsonNode> rows = new TreeMap<>();
    final List<String> duplicates = new ArrayList<>();

    /** The end offsets of every partition of the result topics now. */
    static Map<TopicPartition, Long> endOffsets(String bootstrapServers) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers)) {
            return consumer.endOffsets(partitions(consumer));
        }
    }

    /** Reads [from, to) of every partition; a partition absent from {@code from} is read from its start. */
    static ResultRows read(String bootstrapServers, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        ResultRows result = new ResultRows();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>();
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, from.getOrDefault(partition, 0L));
                ends.put(partition, to.getOrDefault(partition, 0L));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean drained = false;
            while (!drained && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> record : records) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        result.add(record.topic(), record.value());
                    }
                }
                // Transaction markers leave offset gaps, so a partition is done when its position passed the end;
                // the position counts fetched records, so the read is done only once a poll returns nothing more.
                drained = records.isEmpty() && ends.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return result;
    }

    /** The result rows of an offline run (its dead letters left out). */
    static ResultRows of(OfflinePipeline.Results results) {
        ResultRows rows = new ResultRows();
        results.costs().forEach(rows::add);
        results.concurrency().forEach(rows::add);
        results.phases().forEach(rows::add);
        results.comparisons().forEach(rows::add);
        results.parity().forEach(rows::add);
        return rows;
    }

    private void add(String topic, byte[] value) {
        add(switch (topic) {
            case Topics.BRIDGE_COST -> BridgewatchSerdes.bridgeCostWindow().deserialize(topic, value);
            case Topics.CONCURRENCY -> BridgewatchSerdes.of(ConcurrencyWindow.class).deserialize(topic, value);
            case Topics.PHASES -> BridgewatchSerdes.of(PhaseOccurrence.class).deserialize(topic, value);
            case Topics.MITIGATION -> BridgewatchSerdes.of(CohortComparison.class).deserialize(topic, value);
            case Topics.COMPUTE_PARITY -> BridgewatchSerdes.of(ComputeParity.class).deserialize(topic, value);
            default -> throw new IllegalArgumentException(topic);
        });
    }

    /** Adds a result row; the end-of-input watermark's own results are not results. */
    private void add(SpecificRecord record) {
        String identity = identity(record);
        if (EndOfInput.isWatermark(identity)) {
            return;
        }
        if (rows.put(identity, AvroJson.of(record)) != null) {
            duplicates.add(identity);
        }
    }

    static String identity(SpecificRecord record) {
        if (record instanceof BridgeCostWindow w) {
            return "cost|" + w.getNodeId() + "|" + w.getGpuIndex() + "|" + w.getDirection() + "|" + w.getHostMemory()
                    + "|" + w.getForm() + "|" + w.getWindowStartNs();
        }
        if (record instanceof ConcurrencyWindow w) {
            return "concurrency|" + w.getNodeId() + "|" + w.getGpuIndex() + "|" + w.getContextId() + "|"
                    + w.getForm() + "|" + w.getWindowStartNs();
        }
        if (record instanceof PhaseOccurrence p) {
            return "phase|" + p.getNodeId() + "|" + p.getGpuIndex() + "|" + p.getPhase() + "|"
                    + p.getStartNs() / 1_000_000_000L;
        }
        if (record instanceof CohortComparison c) {
            return "cohort|" + c.getCohort() + "|" + c.getVariant() + "|" + c.getWindowStartNs();
        }
        ComputeParity p = (ComputeParity) record;
        return "parity|" + p.getCohort() + "|" + p.getVariant() + "|" + p.getKernel() + "|" + p.getWindowStartNs();
    }

    /**
     * Per identity found in both, the top-level fields whose values differ beyond float precision (cohort figures
     * add their nodes' figures in the order they arrive). Collectors send a node's copies and kernels in one
     * sequence (node event batches), so nothing else may differ: not the instance count, not a fault.
     */
    static Map<String, Set<String>> differences(Map<String, JsonNode> expected,
            Map<String, JsonNode> actual) {
        Map<String, Set<String>> differences = new TreeMap<>();
        expected.forEach((identity, value) -> {
            JsonNode other = actual.get(identity);
            if (other == null) {
                return;
            }
            Set<String> fields = new TreeSet<>();
            value.fieldNames().forEachRemaining(field -> {
                JsonNode b = other.get(field);
                if (b == null || !JsonTolerance.equal(value.get(field), b, 1e-9)) {
                    fields.add(field);
                }
            });
            if (!fields.isEmpty()) {
                differences.put(identity, fields);
            }
        });
        return differences;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        return partitions;
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
