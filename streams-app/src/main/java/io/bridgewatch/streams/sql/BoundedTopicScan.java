package io.bridgewatch.streams.sql;

import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.streams.query.QueryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * One bounded read of a topic: the end offsets are taken when the scan starts, and each partition is read until
 * the consumer's position reaches its snapshot. The position, not the last record: transaction markers occupy
 * offsets that never arrive as records, so waiting for a record at end-1 could wait forever. Records appended
 * after the start are not read, so a scan always ends.
 */
final class BoundedTopicScan {
    private static final Duration POLL = Duration.ofMillis(200);
    private final SqlTable table;
    private final Map<String, Object> kafka;
    private final QueryContext context;
    private final SingleObjectSerde<? extends SpecificRecord> serde;

    BoundedTopicScan(SqlTable table, Map<String, Object> kafka, QueryContext context) {
        this.table = table;
        this.kafka = kafka;
        this.context = context;
        this.serde = BridgewatchSerdes.of(table.recordClass());
    }

    List<Object[]> read(ScanBounds bounds) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bridgewatch-sql-scan-" + table.sqlName());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<Object[]> rows = new ArrayList<>();
        Duration apiTimeout = Duration.ofMillis(Math.max(1_000, Math.min(10_000, context.remainingMillis())));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(table.topic(), apiTimeout);
            if (infos == null || infos.isEmpty()) {
                throw QueryException.unavailable("topic " + table.topic() + " of table " + table.sqlName()
                        + " does not exist on the cluster");
            }
            List<TopicPartition> partitions = partitions(infos.size(), bounds);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, apiTimeout);
            Map<TopicPartition, Long> start = startOffsets(consumer, partitions, bounds.fromMs(), end, apiTimeout);
            consumer.assign(partitions);
            Set<TopicPartition> remaining = new java.util.HashSet<>();
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, start.get(tp));
                if (start.get(tp) < end.get(tp)) {
                    remaining.add(tp);
                }
            }
            long undecodable = 0;
            while (!remaining.isEmpty()) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(POLL);
                for (ConsumerRecord<String, byte[]> record : polled) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(tp) || !admits(record, bounds)) {
                        continue;
                    }
                    GenericRecord value;
                    try {
                        value = (GenericRecord) serde.deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        undecodable++;
                        continue;
                    }
                    if (value == null) {
                        continue;
                    }
                    Object[] row = table.columns().row(value, 3);
                    int meta = table.columns().columns().size();
                    row[meta] = record.partition();
                    row[meta + 1] = record.offset();
                    row[meta + 2] = record.timestamp();
                    rows.add(row);
                }
                remaining.removeIf(tp -> consumer.position(tp, apiTimeout) >= end.get(tp));
                context.checkpoint(table.sqlName(), polled.count());
            }
            for (TopicPartition tp : partitions) {
                context.read(new SourceFreshness(table.sqlName(), tp.partition(), "kafka", "SNAPSHOT", 0,
                        "read offsets " + start.get(tp) + " to " + end.get(tp) + " (end at the query's start)"));
            }
            if (undecodable > 0) {
                context.warn(undecodable + " records of " + table.topic() + " could not be decoded and were left"
                        + " out (the pipeline routes such records to " + SqlTable.DEAD_LETTERS.sqlName() + ")");
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw QueryException.unavailable("Kafka did not answer in time while scanning " + table.topic() + ": "
                    + e.getMessage());
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            throw context.timedOut(table.sqlName());
        } catch (KafkaException e) {
            throw QueryException.unavailable("cannot scan " + table.topic() + ": " + e.getMessage());
        }
        return rows;
    }

    private List<TopicPartition> partitions(int count, ScanBounds bounds) {
        Set<Integer> numbers = new TreeSet<>();
        if (bounds.keys().isPresent()) {
            // The producers' default partitioning of a String key (murmur2 of its UTF-8 bytes).
            bounds.keys().get().forEach(k -> numbers.add(Utils.toPositive(Utils.murmur2(
                    k.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % count));
        } else {
            for (int p = 0; p < count; p++) {
                numbers.add(p);
            }
        }
        return numbers.stream().map(p -> new TopicPartition(table.topic(), p)).toList();
    }

    private static Map<TopicPartition, Long> startOffsets(KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> partitions, long fromMs, Map<TopicPartition, Long> end, Duration timeout) {
        if (fromMs <= 0) {
            return consumer.beginningOffsets(partitions, timeout);
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, fromMs));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        Map<TopicPartition, Long> start = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            start.put(tp, at == null ? end.get(tp) : at.offset());
        }
        return start;
    }

    private static boolean admits(ConsumerRecord<String, byte[]> record, ScanBounds bounds) {
        if (bounds.keys().isPresent() && !bounds.keys().get().contains(record.key())) {
            return false;
        }
        return record.timestamp() >= bounds.fromMs() && record.timestamp() <= bounds.toMs();
    }
}
