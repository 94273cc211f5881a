package io.bridgewatch.streams.sql;

import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.query.QueryException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerator;
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
 * One bounded read of a topic, row by row as the query pulls them (memory stays at one poll's records): the end
 * offsets are taken when the scan starts, and each partition is read until the consumer's position reaches its
 * snapshot. The position, not the last record: transaction markers occupy offsets that never arrive as records, so
 * waiting for a record at end-1 could wait forever. Records appended after the start are not read, so a scan ends.
 * A node event batch gives a row for each of its events of the table's type, all with the batch's metadata.
 */
final class BoundedTopicScan extends AbstractEnumerable<Object[]> {
    private static final Duration POLL = Duration.ofMillis(200);
    private final SqlTable table;
    private final Map<String, Object> kafka;
    private final QueryContext context;
    private final ScanBounds bounds;

    BoundedTopicScan(SqlTable table, Map<String, Object> kafka, QueryContext context, ScanBounds bounds) {
        this.table = table;
        this.kafka = kafka;
        this.context = context;
        this.bounds = bounds;
    }

    @Override
    public Enumerator<Object[]> enumerator() {
        try {
            return new Scan();
        } catch (KafkaException e) {
            throw failure(e);
        }
    }

    private RuntimeException failure(KafkaException e) {
        if (e instanceof org.apache.kafka.common.errors.InterruptException) {
            return context.timedOut(table.sqlName());
        }
        if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
            return QueryException.unavailable("Kafka did not answer in time while scanning " + table.topic() + ": "
                    + e.getMessage());
        }
        return QueryException.unavailable("cannot scan " + table.topic() + ": " + e.getMessage());
    }

    /** The scan's consumer and where it is. */
    private final class Scan implements Enumerator<Object[]> {
        private final KafkaConsumer<String, byte[]> consumer;
        private final SingleObjectSerde<? extends SpecificRecord> serde = BridgewatchSerdes.of(table.recordClass());
        private final SingleObjectSerde<NodeEventBatch> batches = BridgewatchSerdes.of(NodeEventBatch.class);
        private final Duration apiTimeout;
        private final List<TopicPartition> partitions;
        private final Map<TopicPartition, Long> start;
        private final Map<TopicPartition, Long> end;
        private final Set<TopicPartition> remaining = new HashSet<>();
        private Iterator<ConsumerRecord<String, byte[]>> batch;
        private final Deque<Object[]> rowsOfRecord = new ArrayDeque<>();
        private Object[] current;
        private long undecodable;
        private boolean finished;

        Scan() {
            Map<String, Object> config = new HashMap<>(kafka);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bridgewatch-sql-scan-" + table.sqlName());
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            apiTimeout = Duration.ofMillis(Math.max(1_000, Math.min(10_000, context.remainingMillis())));
            consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            try {
                partitions = new ArrayList<>();
                for (String topic : table.scannedTopics()) {
                    List<PartitionInfo> infos = consumer.partitionsFor(topic, apiTimeout);
                    if (infos == null || infos.isEmpty()) {
                        if (topic.equals(Topics.NODE_EVENTS)) {
                            continue; // a cluster of collectors older than batches
                        }
                        throw QueryException.unavailable("topic " + topic + " of table " + table.sqlName()
                                + " does not exist on the cluster");
                    }
                    partitions.addAll(partitions(topic, infos.size()));
                }
                end = consumer.endOffsets(partitions, apiTimeout);
                start = startOffsets();
                consumer.assign(partitions);
                for (TopicPartition tp : partitions) {
                    consumer.seek(tp, start.get(tp));
                    if (start.get(tp) < end.get(tp)) {
                        remaining.add(tp);
                    }
                }
            } catch (RuntimeException e) {
                consumer.close();
                throw e;
            }
        }

        @Override
        public Object[] current() {
            return current;
        }

        @Override
        public boolean moveNext() {
            try {
                while (true) {
                    while (rowsOfRecord.isEmpty() && batch != null && batch.hasNext()) {
                        addRows(batch.next());
                    }
                    if (!rowsOfRecord.isEmpty()) {
                        current = rowsOfRecord.poll();
                        return true;
                    }
                    if (remaining.isEmpty()) {
                        finish();
                        return false;
                    }
                    ConsumerRecords<String, byte[]> polled = consumer.poll(POLL);
                    context.checkpoint(table.sqlName(), polled.count());
                    batch = polled.iterator();
                    remaining.removeIf(tp -> consumer.position(tp, apiTimeout) >= end.get(tp));
                }
            } catch (KafkaException e) {
                throw failure(e);
            }
        }

        /**
         * The record's rows: none when it is past the snapshot, outside the bounds or not decodable; one per event of
         * the table's type in a node event batch.
         */
        private void addRows(ConsumerRecord<String, byte[]> record) {
            if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))
                    || bounds.keys().isPresent() && !bounds.keys().get().contains(record.key())
                    || record.timestamp() < bounds.fromMs() || record.timestamp() > bounds.toMs()) {
                return;
            }
            try {
                if (!record.topic().equals(Topics.NODE_EVENTS)) {
                    GenericRecord value = (GenericRecord) serde.deserialize(record.topic(), record.value());
                    if (value != null) {
                        rowsOfRecord.add(TopicTable.row(table, value, record, 0));
                    }
                    return;
                }
                NodeEventBatch events = batches.deserialize(record.topic(), record.value());
                List<ByteBuffer> elements = events == null ? List.of() : events.getEvents();
                for (int i = 0; i < elements.size(); i++) {
                    byte[] bytes = NodeEventCodec.bytes(elements.get(i));
                    if (serde.reads(bytes)) {
                        rowsOfRecord.add(TopicTable.row(table, (GenericRecord) serde.deserialize(record.topic(),
                                bytes), record, i));
                    }
                }
            } catch (RuntimeException e) {
                undecodable++;
            }
        }


        private void finish() {
            if (finished) {
                return;
            }
            finished = true;
            for (TopicPartition tp : partitions) {
                context.read(new SourceFreshness(table.sqlName(), tp.partition(), "kafka", "SNAPSHOT", 0,
                        "read offsets " + start.get(tp) + " to " + end.get(tp) + " of " + tp.topic()
                                + " (end at the query's start)"));
            }
            if (undecodable > 0) {
                context.warn(undecodable + " records of " + String.join(" and ", table.scannedTopics())
                        + " could not be decoded and were left"
                        + " out (the pipeline routes such records to " + SqlTable.DEAD_LETTERS.sqlName() + ")");
            }
        }

        private List<TopicPartition> partitions(String topic, int count) {
            Set<Integer> numbers = new TreeSet<>();
            if (bounds.keys().isPresent()) {
                // The producers' default partitioning of a String key (murmur2 of its UTF-8 bytes).
                bounds.keys().get().forEach(k -> numbers.add(Utils.toPositive(Utils.murmur2(
                        k.getBytes(StandardCharsets.UTF_8))) % count));
            } else {
                for (int p = 0; p < count; p++) {
                    numbers.add(p);
                }
            }
            return numbers.stream().map(p -> new TopicPartition(topic, p)).toList();
        }

        private Map<TopicPartition, Long> startOffsets() {
            if (bounds.fromMs() <= 0) {
                return consumer.beginningOffsets(partitions, apiTimeout);
            }
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, bounds.fromMs()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, apiTimeout);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = found.get(tp);
                offsets.put(tp, at == null ? end.get(tp) : at.offset());
            }
            return offsets;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("a topic scan is read once");
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
