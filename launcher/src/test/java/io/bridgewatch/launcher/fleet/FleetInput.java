package io.bridgewatch.launcher.fleet;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
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
 * broker's topics, each partition in offset order): the two must be equal for nothing to be lost, repeated or
 * reordered on the way.
 */
final class FleetInput {
    private static final List<String> TOPICS = List.of(Topics.NODES, Topics.CROSSINGS, Topics.KERNELS,
            Topics.SERVING);
    /** Per "topic|node", the events in order. */
    final Map<String, List<SpecificRecord>> byNodeAndTopic = new TreeMap<>();

    private FleetInput() {
    }

    /** The seeded fleet's events from {@code startNs} for {@code duration}, as {@link FleetRuns} produces them. */
    static FleetInput seededFleet(long startNs, Duration duration) throws InterruptedException {
        FleetInput input = new FleetInput();
        EventSink recorder = new EventSink() {
            @Override
            public void nodeInfo(NodeInfo info) {
                input.add(Topics.NODES, info.getNodeId(), info);
            }

            @Override
            public void crossing(Crossing crossing) {
                input.add(Topics.CROSSINGS, crossing.getNodeId(), crossing);
            }

            @Override
            public void kernel(KernelExec kernel) {
                input.add(Topics.KERNELS, kernel.getNodeId(), kernel);
            }

            @Override
            public void serving(ServingSample sample) {
                input.add(Topics.SERVING, sample.getNodeId(), sample);
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
                    if (!EndOfInput.isWatermark(record.key())) {
                        input.add(record.topic(), record.key(), decode(record.topic(), record.value()));
                    }
                }
            }
        }
        return input;
    }

    /** Feeds every event to {@code sink} in event-time order (node facts first), as an offline run reads a trace. */
    void replayInto(EventSink sink) {
        byNodeAndTopic.forEach((key, events) -> {
            if (key.startsWith(Topics.NODES + "|")) {
                events.forEach(e -> sink.nodeInfo((NodeInfo) e));
            }
        });
        List<SpecificRecord> events = new ArrayList<>();
        byNodeAndTopic.forEach((key, list) -> {
            if (!key.startsWith(Topics.NODES + "|")) {
                events.addAll(list);
            }
        });
        events.sort(java.util.Comparator.comparingLong(FleetInput::eventTimeNs));
        for (SpecificRecord event : events) {
            if (event instanceof Crossing c) {
                sink.crossing(c);
            } else if (event instanceof KernelExec k) {
                sink.kernel(k);
            } else {
                sink.serving((ServingSample) event);
            }
        }
    }

    long size() {
        return byNodeAndTopic.values().stream().mapToLong(List::size).sum();
    }

    private void add(String topic, CharSequence node, SpecificRecord event) {
        byNodeAndTopic.computeIfAbsent(topic + "|" + node, k -> new ArrayList<>()).add(event);
    }

    /** The event time the streams-app gives each input (EventTimeExtractor). */
    private static long eventTimeNs(SpecificRecord event) {
        if (event instanceof Crossing c) {
            return c.getApiStartNs();
        }
        if (event instanceof KernelExec k) {
            return k.getApiStartNs();
        }
        return ((ServingSample) event).getIntervalEndNs();
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
