package io.bridgewatch.streams.offline;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.BridgeTopology;
import io.bridgewatch.streams.StateDurability;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.TopologyOutputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The Bridgewatch topology run in-process over a finite input, without a broker: Kafka Streams' own driver feeds the
 * records through the same processors, stores and repartitions as the deployed streams-app (one implementation of
 * each metric). Events go in as collectors send them, a node's consecutive events packed into node event batches
 * (the streams-app's main input): the driver's work per record (it commits after each) is then paid once a batch.
 * {@link #finish()} ends the input with the {@link EndOfInput} watermark so that every window closes; the
 * watermark's own results are left out of what is returned. A supported API of the streams-app: {@code analyze}
 * runs it, and so can anyone with a finite input and no broker.
 */
public final class OfflinePipeline implements EventSink, AutoCloseable {
    /** Results are drained from the driver every so many inputs, so its output queues stay small. */
    private static final int DRAIN_EVERY = 16;
    /** Events per node event batch, at most (a collector's default batch). */
    private static final int BATCH_EVENTS = 1000;
    private static final long NS_PER_MS = 1_000_000L;
    private static final Set<String> RESULT_TOPICS = Set.of(Topics.BRIDGE_COST,
            Topics.CONCURRENCY, Topics.PHASES, Topics.MITIGATION, Topics.COMPUTE_PARITY, Topics.DLQ);

    /** What the topology produced, the watermark's share left out. */
    public record Results(List<BridgeCostWindow> costs, List<ConcurrencyWindow> concurrency,
            List<PhaseOccurrence> phases, List<CohortComparison> comparisons, List<ComputeParity> parity,
            List<DeadLetter> deadLetters) {
    }

    private final TopologyConfig config;
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, NodeInfo> nodes;
    private final TestInputTopic<String, NodeEventBatch> nodeEvents;
    /** The node's events not yet piped, encoded as batch elements. */
    private final List<byte[]> batch = new ArrayList<>();
    private String batchNode;
    private long batchLastMs;
    private final TestOutputTopic<String, BridgeCostWindow> costsOut;
    private final TestOutputTopic<String, ConcurrencyWindow> concurrencyOut;
    private final TestOutputTopic<String, PhaseOccurrence> phasesOut;
    private final TestOutputTopic<String, CohortComparison> comparisonsOut;
    private final TestOutputTopic<String, ComputeParity> parityOut;
    private final TestOutputTopic<String, DeadLetter> deadLettersOut;
    private final Results results = new Results(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    /** This pipeline's events as inputs, on the caller's thread. */
    private final EventSink inputSink = new PipelineInputSink(this::accept);
    private long latestEventMs = Long.MIN_VALUE;
    private long inputs;

    public OfflinePipeline(TopologyConfig config) {
        this(config, TopologyOutputs.ALL);
    }

    /** A run that produces only {@code outputs} (and the dead letters); the other result lists stay empty. */
    public OfflinePipeline(TopologyConfig config, TopologyOutputs outputs) {
        this.config = config;
        try {
            stateDir = Files.createTempDirectory("bridgewatch-offline");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for the offline pipeline", e);
        }
        Properties props = new StreamsAppConfig("offline:9092", "bridgewatch-offline", stateDir, 1, config)
                .toProperties();
        // Inputs are piped one by one; there is no other partition to wait for.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // State in memory only: there is nothing to restore, and the driver commits after every record.
        driver = new TopologyTestDriver(BridgeTopology.build(config, StateDurability.PROCESS_MEMORY, outputs), props);
        nodes = driver.createInputTopic(Topics.NODES, new StringSerializer(), BridgewatchSerdes.nodeInfo());
        nodeEvents = driver.createInputTopic(Topics.NODE_EVENTS, new StringSerializer(),
                BridgewatchSerdes.of(NodeEventBatch.class).serializer());
        costsOut = output(Topics.BRIDGE_COST, BridgeCostWindow.class);
        concurrencyOut = output(Topics.CONCURRENCY, ConcurrencyWindow.class);
        phasesOut = output(Topics.PHASES, PhaseOccurrence.class);
        comparisonsOut = output(Topics.MITIGATION, CohortComparison.class);
        parityOut = output(Topics.COMPUTE_PARITY, ComputeParity.class);
        deadLettersOut = output(Topics.DLQ, DeadLetter.class);
    }

    /** Node facts go in before any event that follows them (they place the node in its cohort). */
    @Override
    public void nodeInfo(NodeInfo info) {
        inputSink.nodeInfo(info);
    }

    @Override
    public void crossing(Crossing crossing) {
        inputSink.crossing(crossing);
    }

    @Override
    public void kernel(KernelExec kernel) {
        inputSink.kernel(kernel);
    }

    @Override
    public void serving(ServingSample sample) {
        inputSink.serving(sample);
    }

    /** One input, on the thread that drives this pipeline. */
    void accept(PipelineInput input) {
        if (input.info() != null) {
            pipeBatch();
            pipe(nodes, input.node(), input.info(), input.timeNs());
            return;
        }
        if (input.advancesInput()) {
            latestEventMs = Math.max(latestEventMs, input.timeNs() / NS_PER_MS);
        }
        add(input.node(), input.encoded(), input.timeNs());
    }

    /** Adds the encoded event to its node's batch; another node's event, or a full batch, sends the batch first. */
    private void add(String node, byte[] encoded, long timeNs) {
        if (!batch.isEmpty() && !node.equals(batchNode)) {
            pipeBatch();
        }
        batchNode = node;
        batch.add(encoded);
        batchLastMs = timeNs / NS_PER_MS;
        if (batch.size() >= BATCH_EVENTS) {
            pipeBatch();
        }
    }

    /** Pipes the pending batch (stamped, as the streams-app stamps it, by its last event's time). */
    private void pipeBatch() {
        if (batch.isEmpty()) {
            return;
        }
        NodeEventBatch records = NodeEventCodec.batch(batchNode, batch);
        nodeEvents.pipeInput(batchNode, records, batchLastMs);
        batch.clear();
        countInput();
    }

    /** Pipes one input at its event time. */
    private <T> void pipe(TestInputTopic<String, T> topic, CharSequence key, T value, long timeNs) {
        topic.pipeInput(key.toString(), value, timeNs / NS_PER_MS);
        countInput();
    }

    /** Drains the results every so many inputs. */
    private void countInput() {
        if (++inputs % DRAIN_EVERY == 0) {
            drain();
        }
    }

    /** Ends the input with the end-of-input watermark (every window closes) and returns what was produced. */
    public Results finish() {
        if (latestEventMs != Long.MIN_VALUE) {
            long[] instants = EndOfInput.instantsMs(config, latestEventMs);
            nodeInfo(EndOfInput.node(instants[0]));
            for (long timeMs : instants) {
                crossing(EndOfInput.copy(timeMs));
                kernel(EndOfInput.kernel(timeMs));
            }
        }
        pipeBatch();
        drain();
        return results;
    }

    private void drain() {
        collect(costsOut, results.costs(), BridgeCostWindow::getNodeId);
        collect(concurrencyOut, results.concurrency(), ConcurrencyWindow::getNodeId);
        collect(phasesOut, results.phases(), PhaseOccurrence::getNodeId);
        collect(comparisonsOut, results.comparisons(), c -> c.getCohort().toString());
        collect(parityOut, results.parity(), p -> p.getCohort().toString());
        collect(deadLettersOut, results.deadLetters(), d -> String.valueOf(d.getKey()));
        // The driver keeps everything produced until read: repartition topics and the alerts are dropped here.
        for (String topic : driver.producedTopicNames()) {
            if (!RESULT_TOPICS.contains(topic)) {
                driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                        .readRecordsToList();
            }
        }
    }

    private static <T> void collect(TestOutputTopic<String, T> topic, List<T> into,
            Function<T, Object> owner) {
        for (T value : topic.readValuesToList()) {
            if (!EndOfInput.isWatermark(owner.apply(value).toString())) {
                into.add(value);
            }
        }
    }

    private <T extends SpecificRecord> TestOutputTopic<String, T> output(String topic, Class<T> type) {
        return driver.createOutputTopic(topic, new StringDeserializer(), BridgewatchSerdes.of(type).deserializer());
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            deleteRecursively(stateDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}
