package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.EventSink;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.EngineKind;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.BridgeTopology;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.TopologyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The Bridgewatch topology run in-process over a finite input, without a broker: Kafka Streams' own driver feeds the
 * records through the same processors, stores and repartitions as the deployed streams-app (one implementation of
 * each metric). Windows close on stream time, which a finite input stops advancing at its last event, so
 * {@link #finish()} ends the input with an end-of-input watermark: a node of its own cohort whose two copies, far
 * after the input, move stream time past every window and grace, first of the node windows, then (through the
 * watermark node's own window results) of the cohort windows. It sends a copy and a kernel each time, as some
 * processors see only kernels. Its results are left out of what is returned.
 */
public final class OfflinePipeline implements EventSink, AutoCloseable {
    /** Results are drained from the driver every so many inputs, so its output queues stay small. */
    private static final int DRAIN_EVERY = 4096;
    private static final String WATERMARK_NODE = "~end-of-input";
    private static final long NS_PER_MS = 1_000_000L;

    /** What the topology produced, the watermark's share left out. */
    public record Results(List<BridgeCostWindow> costs, List<ConcurrencyWindow> concurrency,
            List<PhaseOccurrence> phases, List<CohortComparison> comparisons, List<ComputeParity> parity,
            List<DeadLetter> deadLetters) {
    }

    private final TopologyConfig config;
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, NodeInfo> nodes;
    private final TestInputTopic<String, Crossing> crossings;
    private final TestInputTopic<String, KernelExec> kernels;
    private final TestInputTopic<String, ServingSample> serving;
    private final TestOutputTopic<String, BridgeCostWindow> costsOut;
    private final TestOutputTopic<String, ConcurrencyWindow> concurrencyOut;
    private final TestOutputTopic<String, PhaseOccurrence> phasesOut;
    private final TestOutputTopic<String, CohortComparison> comparisonsOut;
    private final TestOutputTopic<String, ComputeParity> parityOut;
    private final TestOutputTopic<String, DeadLetter> deadLettersOut;
    private final Results results = new Results(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    private long latestEventMs = Long.MIN_VALUE;
    private long inputs;

    public OfflinePipeline(TopologyConfig config) {
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
        driver = new TopologyTestDriver(BridgeTopology.build(config), props);
        nodes = driver.createInputTopic(Topics.NODES, new StringSerializer(), BridgewatchSerdes.nodeInfo());
        crossings = driver.createInputTopic(Topics.CROSSINGS, new StringSerializer(), BridgewatchSerdes.crossing());
        kernels = driver.createInputTopic(Topics.KERNELS, new StringSerializer(), BridgewatchSerdes.kernelExec());
        serving = driver.createInputTopic(Topics.SERVING, new StringSerializer(), BridgewatchSerdes.servingSample());
        costsOut = output(Topics.BRIDGE_COST, BridgeCostWindow.class);
        concurrencyOut = output(Topics.CONCURRENCY, ConcurrencyWindow.class);
        phasesOut = output(Topics.PHASES, PhaseOccurrence.class);
        comparisonsOut = output(Topics.MITIGATION, CohortComparison.class);
        parityOut = output(Topics.COMPUTE_PARITY, ComputeParity.class);
        deadLettersOut = output(Topics.DLQ, DeadLetter.class);
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        nodes.pipeInput(info.getNodeId(), info, info.getStartedAtNs() / NS_PER_MS);
        counted();
    }

    @Override
    public void crossing(Crossing crossing) {
        long timeMs = crossing.getApiStartNs() / NS_PER_MS;
        latestEventMs = Math.max(latestEventMs, timeMs);
        crossings.pipeInput(crossing.getNodeId(), crossing, timeMs);
        counted();
    }

    @Override
    public void kernel(KernelExec kernel) {
        long timeMs = kernel.getApiStartNs() / NS_PER_MS;
        latestEventMs = Math.max(latestEventMs, timeMs);
        kernels.pipeInput(kernel.getNodeId(), kernel, timeMs);
        counted();
    }

    @Override
    public void serving(ServingSample sample) {
        serving.pipeInput(sample.getNodeId(), sample, sample.getIntervalEndNs() / NS_PER_MS);
        counted();
    }

    /** Ends the input (every window closes) and returns everything the topology produced. */
    public Results finish() {
        if (latestEventMs != Long.MIN_VALUE) {
            long nodeSpan = config.nodeWindow().toMillis() + config.grace().toMillis();
            long cohortSpan = config.cohortWindow().toMillis() + config.cohortGrace().toMillis();
            long closesInputWindows = latestEventMs + nodeSpan + cohortSpan + 1;
            nodeInfo(watermarkNode(closesInputWindows));
            for (long timeMs : new long[] {closesInputWindows, closesInputWindows + nodeSpan + 1}) {
                crossing(watermarkCopy(timeMs));
                kernel(watermarkKernel(timeMs)); // processors fed by kernels alone keep their own stream time
            }
        }
        drain();
        return results;
    }

    private void counted() {
        if (++inputs % DRAIN_EVERY == 0) {
            drain();
        }
    }

    private void drain() {
        collect(costsOut, results.costs(), BridgeCostWindow::getNodeId);
        collect(concurrencyOut, results.concurrency(), ConcurrencyWindow::getNodeId);
        collect(phasesOut, results.phases(), PhaseOccurrence::getNodeId);
        collect(comparisonsOut, results.comparisons(), c -> c.getCohort().toString());
        collect(parityOut, results.parity(), p -> p.getCohort().toString());
        collect(deadLettersOut, results.deadLetters(), d -> String.valueOf(d.getKey()));
    }

    private static <T> void collect(TestOutputTopic<String, T> topic, List<T> into,
            java.util.function.Function<T, Object> owner) {
        for (T value : topic.readValuesToList()) {
            if (!owner.apply(value).toString().contains(WATERMARK_NODE)) {
                into.add(value);
            }
        }
    }

    private <T extends SpecificRecord> TestOutputTopic<String, T> output(String topic, Class<T> type) {
        return driver.createOutputTopic(topic, new StringDeserializer(), BridgewatchSerdes.of(type).deserializer());
    }

    private static NodeInfo watermarkNode(long timeMs) {
        return NodeInfo.newBuilder().setNodeId(WATERMARK_NODE).setHost(WATERMARK_NODE).setGpuSku(WATERMARK_NODE)
                .setGpuUuids(List.of()).setDriverVersion("0").setCudaVersion("").setCcMode(CcMode.UNKNOWN)
                .setTeeType("").setEngine(EngineKind.OTHER).setEngineVersion("").setModel(WATERMARK_NODE)
                .setTensorParallelSize(1).setAsyncScheduling(false).setMitigations(List.of()).setMaxConcurrency(1)
                .setSource(EventSource.OTHER).setStartedAtNs(timeMs * NS_PER_MS).setLabels(Map.of()).build();
    }

    private static Crossing watermarkCopy(long timeMs) {
        long ns = timeMs * NS_PER_MS;
        return Crossing.newBuilder().setNodeId(WATERMARK_NODE).setGpuIndex(0).setPid(0).setTid(0).setContextId(0)
                .setStreamId(0).setCorrelationId(0).setApi("end-of-input").setDirection(Direction.H2D)
                .setHostMemory(HostMemoryKind.PINNED).setBytes(1).setAsyncRequested(false).setApiStartNs(ns)
                .setApiEndNs(ns + 1).build();
    }

    private static KernelExec watermarkKernel(long timeMs) {
        long ns = timeMs * NS_PER_MS;
        return KernelExec.newBuilder().setNodeId(WATERMARK_NODE).setGpuIndex(0).setPid(0).setTid(0).setContextId(0)
                .setStreamId(0).setCorrelationId(1).setKernelName("end-of-input").setGrid(List.of())
                .setBlock(List.of()).setApiStartNs(ns).setApiEndNs(ns + 1).setGpuStartNs(ns + 2).setGpuEndNs(ns + 3)
                .build();
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
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}
