package io.bridgewatch.streams.sql;

import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one consumer per instance that follows every result topic from its end (no consumer group: every instance
 * sees every partition) and hands each poll's new rows, table by table, to the push subscriptions of that table.
 */
final class ResultTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultTail.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Map<String, Object> kafka;
    private final Map<SqlTable, CopyOnWriteArrayList<PushSubscription>> subscribers = new EnumMap<>(SqlTable.class);
    private final Map<String, SqlTable> tableOfTopic = new HashMap<>();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final AtomicLong undecodable = new AtomicLong();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile RuntimeException startFailure;

    ResultTail(Map<String, Object> kafka) {
        this.kafka = kafka;
        for (SqlTable table : SqlTable.values()) {
            if (table.pushable()) {
                subscribers.put(table, new CopyOnWriteArrayList<>());
                tableOfTopic.put(table.topic(), table);
            }
        }
    }

    /** Starts following at the topics' current ends, once; returns when positioned there. */
    synchronized void ensureStarted(Duration timeout) throws InterruptedException {
        if (thread == null) {
            thread = new Thread(this::run, "sql-push-tail");
            thread.setDaemon(true);
            thread.start();
        }
        if (!positioned.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the result topics could not be reached within " + timeout.toSeconds()
                    + " s");
        }
        if (startFailure != null) {
            throw startFailure;
        }
    }

    void add(PushSubscription subscription) {
        subscribers.get(subscription.table()).add(subscription);
    }

    void remove(PushSubscription subscription) {
        subscribers.get(subscription.table()).remove(subscription);
    }

    int subscriptions() {
        return subscribers.values().stream().mapToInt(List::size).sum();
    }

    private void run() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bridgewatch-sql-push-tail");
        Map<SqlTable, SingleObjectSerde<? extends SpecificRecord>> serdes = new EnumMap<>(SqlTable.class);
        tableOfTopic.values().forEach(t -> serdes.put(t, BridgewatchSerdes.of(t.recordClass())));
        try (KafkaConsumer<String, byte[]> tail = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = tail;
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : tableOfTopic.keySet()) {
                for (PartitionInfo info : tail.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            tail.assign(partitions);
            tail.seekToEnd(partitions);
            partitions.forEach(tail::position); // resolve now: rows appended after this are followed
            positioned.countDown();
            while (!Thread.currentThread().isInterrupted()) {
                dispatch(tail.poll(POLL), serdes);
            }
        } catch (WakeupException stopping) {
            LOG.debug("push tail stopped");
        } catch (RuntimeException e) {
            startFailure = e;
            LOG.warn("the push-query tail stopped: {}", e.toString());
            subscribers.values().forEach(list -> list.forEach(s -> s.end("the tail of the result topics failed: "
                    + e.getMessage())));
        } finally {
            positioned.countDown();
        }
    }

    private void dispatch(ConsumerRecords<String, byte[]> records,
            Map<SqlTable, SingleObjectSerde<? extends SpecificRecord>> serdes) {
        if (records.isEmpty()) {
            return;
        }
        Map<SqlTable, List<Object[]>> batches = new EnumMap<>(SqlTable.class);
        for (ConsumerRecord<String, byte[]> record : records) {
            SqlTable table = tableOfTopic.get(record.topic());
            if (subscribers.get(table).isEmpty()) {
                continue;
            }
            GenericRecord value;
            try {
                value = (GenericRecord) serdes.get(table).deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                undecodable.incrementAndGet();
                continue;
            }
            if (value == null) {
                continue;
            }
            Object[] row;
            if (table.scansTopic()) {
                row = TopicTable.row(table, value, record, 0);
            } else {
                row = table.columns().row(value, 0);
            }
            batches.computeIfAbsent(table, t -> new ArrayList<>()).add(row);
        }
        batches.forEach((table, rows) -> subscribers.get(table).forEach(s -> s.offer(rows)));
    }

    @Override
    public void close() {
        KafkaConsumer<String, byte[]> tail = consumer;
        if (tail != null) {
            tail.wakeup();
        }
        Thread running = thread;
        if (running != null) {
            try {
                running.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
