package io.bridgewatch.launcher.fleet;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.RecordSerializer;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.streams.offline.EndOfInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A node's events per input topic, in the order they were sent (the seeded fleet, computed here) or stored (a
 * broker's topics, each partition in offset order), each as a 64-bit hash of its Avro encoding (millions of events
 * fit): the two must be equal for nothing to be lost, repeated or reordered on the way. Copies and kernels are one
 * sequence per node, as the collectors batch them: their order across the two kinds is checked too.
 */
final class FleetInput {
    private static final RecordSerializer ENCODER = new RecordSerializer();
    private static final List<String> TOPICS = List.of(Topics.NODES, Topics.NODE_EVENTS, Topics.CROSSINGS,
            Topics.KERNELS, Topics.SERVING);
    private static final SingleObjectSerde<NodeEventBatch> BATCHES = BridgewatchSerdes.of(NodeEventBatch.class);
    /** Per "topic|node", the events' hashes in order. */
    final Map<String, Events> byNodeAndTopic = new TreeMap<>();

    /** Hashes of events in order. */
    static final class Events {
        private long[] hashes = new long[1024];
        private int size;

        void add(long hash) {
            if (size == hashes.length) {
                hashes = java.util.Arrays.copyOf(hashes, size * 2);
            }
            hashes[size++] = hash;
        }

        int size() {
            return size;
        }

        /** The first position where the two differ, or -1 when they are equal. */
        int firstDifference(Events other) {
            int common = Math.min(size, other.size);
            for (int i = 0; i < common; i++) {
                if (hashes[i] != other.hashes[i]) {
                    return i;
                }
            }
            return size == other.size ? -1 : common;
        }
    }

    private FleetInput() {
    }

    /**
     * The seeded fleet's events from {@code startNs} for {@code duration}, as {@link FleetRuns} produces them, each
     * also handed to {@code offline} (e.g. an offline run; each node's events in order, nodes interleaved by time).
     */
    static FleetInput seededFleet(long startNs, Duration duration, EventSink offline) throws InterruptedException {
        FleetInput input = new FleetInput();
        EventSink recorder = new EventSink() {
            @Override
            public void nodeInfo(NodeInfo info) {
                input.add(Topics.NODES, info.getNodeId(), info);
                offline.nodeInfo(info);
            }

            @Override
            public void crossing(Crossing crossing) {
                input.add(Topics.NODE_EVENTS, crossing.getNodeId(), crossing);
                offline.crossing(crossing);
            }

            @Override
            public void kernel(KernelExec kernel) {
                input.add(Topics.NODE_EVENTS, kernel.getNodeId(), kernel);
                offline.kernel(kernel);
            }

            @Override
            public void serving(ServingSample sample) {
                input.add(Topics.SERVING, sample.getNodeId(), sample);
                offline.serving(sample);
            }
        };
        new FleetSimulator(ScenarioLoader.loadDefault(), startNs).run(duration, FleetSimulator.Pacing.VIRTUAL,
                node -> recorder, () -> true);
        return input;
    }

    /** Everything in the input topics now (read_committed), the end-of-input watermark left out. */
    static FleetInput onTopics(String bootstrapServers) {
        FleetInput input = new FleetInput();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : TOPICS) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (EndOfInput.isWatermark(record.key())) {
                        continue;
                    }
                    // Decoded and encoded again: the same bytes as the sent event's only if nothing changed.
                    if (record.topic().equals(Topics.NODE_EVENTS)) {
                        NodeEventCodec.events(BATCHES.deserialize(record.topic(), record.value()))
                                .forEach(event -> input.add(record.topic(), record.key(), event));
                    } else {
                        input.add(record.topic(), record.key(), decode(record.topic(), record.value()));
                    }
                }
            }
        }
        return input;
    }

    long size() {
        return byNodeAndTopic.values().stream().mapToLong(Events::size).sum();
    }

    private void add(String topic, CharSequence node, SpecificRecord event) {
        add(topic, node, ENCODER.serialize(topic, event)); // the same single-object encoding for every topic
    }

    private void add(String topic, CharSequence node, byte[] encoded) {
        byNodeAndTopic.computeIfAbsent(topic + "|" + node, k -> new Events()).add(hash(encoded));
    }

    /** 64 bits of the encoding's SHA-256: equal events, equal hashes; different ones, different in practice. */
    private static long hash(byte[] encoded) {
        try {
            return java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256").digest(encoded))
                    .getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SpecificRecord decode(String topic, byte[] value) {
        return switch (topic) {
            case Topics.NODES -> BridgewatchSerdes.nodeInfo().deserialize(topic, value);
            case Topics.CROSSINGS -> BridgewatchSerdes.crossing().deserialize(topic, value);
            case Topics.KERNELS -> BridgewatchSerdes.kernelExec().deserialize(topic, value);
            case Topics.SERVING -> BridgewatchSerdes.servingSample().deserialize(topic, value);
            default -> throw new IllegalArgumentException(topic);
        };
    }
}
