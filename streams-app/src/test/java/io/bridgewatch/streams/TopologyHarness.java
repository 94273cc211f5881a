package io.bridgewatch.streams;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The topology in a {@link TopologyTestDriver}, with typed input and output topics. */
final class TopologyHarness implements AutoCloseable {
    final TopologyTestDriver driver;
    final TestInputTopic<String, Crossing> crossings;
    final TestInputTopic<String, KernelExec> kernels;
    final TestInputTopic<String, NodeInfo> nodes;
    final TestInputTopic<String, ServingSample> serving;
    final TestInputTopic<String, NodeEventBatch> nodeEvents;
    private final java.nio.file.Path stateDir;

    /**
     * The topology with node silence zero: a test moves the partition's event time with another node's record
     * ({@link #advanceStreamTimeTo}), which then closes every node's windows, as Kafka Streams' own windows would.
     * Closing per node is tested on the processors themselves (NodeTimeWindowProcessorTest) and on brokers.
     */
    TopologyHarness(TopologyConfig topology) {
        this(appConfig(topology.withNodeSilence(java.time.Duration.ZERO)));
    }

    /** The topology as configured: node windows close by each node's own event time. */
    static TopologyHarness closingPerNode(TopologyConfig topology) {
        return new TopologyHarness(appConfig(topology));
    }

    private static StreamsAppConfig appConfig(TopologyConfig topology) {
        try {
            return new StreamsAppConfig("unused:9092", "test", Files.createTempDirectory("bw-ttd"), 1, topology);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TopologyHarness(StreamsAppConfig config) {
        this.stateDir = config.stateDir();
        Properties props = config.toProperties();
        // The driver's clock does not move, so a task would idle forever waiting for its other (empty) input.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        driver = new TopologyTestDriver(BridgeTopology.build(config.topology()), props);
        crossings = driver.createInputTopic(Topics.CROSSINGS, new StringSerializer(), BridgewatchSerdes.crossing());
        kernels = driver.createInputTopic(Topics.KERNELS, new StringSerializer(), BridgewatchSerdes.kernelExec());
        nodes = driver.createInputTopic(Topics.NODES, new StringSerializer(), BridgewatchSerdes.nodeInfo());
        serving = driver.createInputTopic(Topics.SERVING, new StringSerializer(), BridgewatchSerdes.servingSample());
        nodeEvents = driver.createInputTopic(Topics.NODE_EVENTS, new StringSerializer(),
                BridgewatchSerdes.of(NodeEventBatch.class));
    }

    <T extends SpecificRecord> TestOutputTopic<String, T> output(String topic, Class<T> type) {
        return driver.createOutputTopic(topic, new StringDeserializer(), BridgewatchSerdes.of(type).deserializer());
    }

    /** A record of another node at {@code atNs} moves stream time (all test nodes share one partition). */
    void advanceStreamTimeTo(long atNs) {
        crossings.pipeInput("other", TestEvents.copy(atNs, atNs + 1_000, atNs, atNs + 1_000, 8)
                .setNodeId("other").build());
    }

    @Override
    public void close() {
        driver.close();
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
