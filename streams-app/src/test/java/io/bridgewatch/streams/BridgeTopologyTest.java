package io.bridgewatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BridgeTopologyTest {
    /** 2026-01-01T00:00:00Z in nanoseconds: windows of 10 s start on it. */
    private static final long T0 = 1_767_225_600_000_000_000L;
    private static final long US = 1_000;
    private static final long S = 1_000_000_000L;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Crossing> crossings;
    private TestInputTopic<String, KernelExec> kernels;
    private TestOutputTopic<String, BridgeCostWindow> costs;

    @BeforeEach
    void start() throws Exception {
        StreamsAppConfig config = new StreamsAppConfig("unused:9092", "test",
                Files.createTempDirectory("bw-ttd"), 1, new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        Properties props = config.toProperties();
        // The driver's clock does not move, so a task would idle forever waiting for its other (empty) input.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        driver = new TopologyTestDriver(BridgeTopology.build(config.topology()), props);
        crossings = driver.createInputTopic(Topics.CROSSINGS, new StringSerializer(), BridgewatchSerdes.crossing());
        kernels = driver.createInputTopic(Topics.KERNELS, new StringSerializer(), BridgewatchSerdes.kernelExec());
        costs = driver.createOutputTopic(Topics.BRIDGE_COST, new StringDeserializer(),
                BridgewatchSerdes.bridgeCostWindow());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldNotChargeACopyForWaitingBehindAKernelOnItsStream() {
        kernels.pipeInput("n1", kernel(T0 + 100 * US, T0 + 200 * US, T0 + 1000 * US));
        // Issued at 500 us, but the stream is busy until 1000 us: cost = 1020 - 1000 = 20 us, not 520 us.
        crossings.pipeInput("n1", copy(T0 + 500 * US, T0 + 505 * US, T0 + 1000 * US, T0 + 1020 * US, 4096));
        closeFirstWindow();

        BridgeCostWindow result = single(costs.readValuesToList());
        assertThat(result.getCostP50S()).isCloseTo(20e-6, within(20e-6 * 0.02));
        assertThat(result.getForm()).isEqualTo(CostForm.GPU);
    }

    @Test
    void shouldNotLetLaterWorkOnTheStreamShrinkACopysCost() {
        // The next step's kernel (enqueued after the copy) is processed first, e.g. within the same millisecond.
        kernels.pipeInput("n1", kernel(T0 + 2000 * US, T0 + 2000 * US, T0 + 9000 * US));
        crossings.pipeInput("n1", copy(T0 + 1000 * US, T0 + 1340 * US, T0 + 1000 * US, T0 + 1330 * US, 64));
        closeFirstWindow();
        assertThat(single(costs.readValuesToList()).getCostP50S()).isCloseTo(340e-6, within(340e-6 * 0.02));
    }

    @Test
    void shouldChargeABlockingCopyUntilItsHostCallReturns() {
        // GPU done at 1330 us, call returns at 1340 us: done = max(b, e) = 1340, ready = a = 1000.
        crossings.pipeInput("n1", copy(T0 + 1000 * US, T0 + 1340 * US, T0 + 1000 * US, T0 + 1330 * US, 64));
        closeFirstWindow();
        assertThat(single(costs.readValuesToList()).getCostP50S()).isCloseTo(340e-6, within(340e-6 * 0.02));
    }

    @Test
    void shouldEmitOneFinalResultPerGroupWhenTheWindowCloses() {
        for (int i = 0; i < 10; i++) {
            long a = T0 + i * 100_000 * US;
            crossings.pipeInput("n1", copy(a, a + 5 * US, a, a + 15 * US, 1024));
        }
        crossings.pipeInput("n1", d2h(T0 + 2 * S, T0 + 2 * S + 20 * US));
        assertThat(costs.isEmpty()).as("nothing before the window closes").isTrue();
        closeFirstWindow();

        List<BridgeCostWindow> results = costs.readValuesToList();
        assertThat(results).hasSize(2);
        BridgeCostWindow h2d = results.stream().filter(r -> r.getDirection() == Direction.H2D).findFirst().orElseThrow();
        assertThat(h2d.getCrossings()).isEqualTo(10);
        assertThat(h2d.getBytes()).isEqualTo(10 * 1024);
        assertThat(h2d.getWindowStartNs()).isEqualTo(T0);
        assertThat(h2d.getWindowEndNs()).isEqualTo(T0 + 10 * S);
        assertThat(h2d.getTollS()).isCloseTo(15e-6, within(15e-6 * 0.02));
        assertThat(h2d.getSmallCrossings()).isEqualTo(10);
    }

    @Test
    void shouldFitBandwidthWhenOnlyLargeCrossingsArrive() {
        // 4 MiB and 64 MiB copies at 330 us + n / 11 GB/s: no small crossings in the group at all.
        long a = T0 + S;
        for (long bytes : new long[] {4L << 20, 64L << 20, 4L << 20, 64L << 20}) {
            long duration = 330 * US + Math.round(bytes / 11e9 * 1e9);
            crossings.pipeInput("n1", copy(a, a + duration + 1, a, a + duration, bytes));
            a += S / 10;
        }
        closeFirstWindow();

        BridgeCostWindow result = single(costs.readValuesToList());
        assertThat(result.getSmallCrossings()).isZero();
        assertThat(result.getSmallCostP50S()).isNull();
        assertThat(result.getDmaBandwidthBytesPerS()).isNotNull();
    }

    @Test
    void shouldAcceptOutOfOrderRecordsWithinGraceAndDropLateOnes() {
        crossings.pipeInput("n1", copy(T0 + 9 * S, T0 + 9 * S + 5 * US, T0 + 9 * S, T0 + 9 * S + 10 * US, 64));
        // Stream time 12 s: the [0, 10 s) window is past its end but within its 5 s grace.
        crossings.pipeInput("n1", copy(T0 + 12 * S, T0 + 12 * S + 5 * US, T0 + 12 * S, T0 + 12 * S + 10 * US, 64));
        crossings.pipeInput("n1", copy(T0 + 3 * S, T0 + 3 * S + 5 * US, T0 + 3 * S, T0 + 3 * S + 10 * US, 64));
        // Stream time 16 s: the window closes; a record for it now is late.
        crossings.pipeInput("n1", copy(T0 + 16 * S, T0 + 16 * S + 5 * US, T0 + 16 * S, T0 + 16 * S + 10 * US, 64));
        crossings.pipeInput("n1", copy(T0 + 4 * S, T0 + 4 * S + 5 * US, T0 + 4 * S, T0 + 4 * S + 10 * US, 64));

        BridgeCostWindow first = single(costs.readValuesToList());
        assertThat(first.getCrossings()).isEqualTo(2);
    }

    @Test
    void shouldUseHostTimesAloneWhenNoGpuTimesExist() {
        // CC production node: CUPTI refused, so only host enter/exit. A blocking async call is charged its host time;
        // an async call that returned at once says nothing by itself.
        crossings.pipeInput("n1", hostOnly(T0 + S, T0 + S + 335 * US, true));
        crossings.pipeInput("n1", hostOnly(T0 + 2 * S, T0 + 2 * S + 4 * US, true));
        closeFirstWindow();

        BridgeCostWindow result = single(costs.readValuesToList());
        assertThat(result.getForm()).isEqualTo(CostForm.CPU_ONLY);
        assertThat(result.getCrossings()).isEqualTo(1);
        assertThat(result.getCostP50S()).isCloseTo(335e-6, within(335e-6 * 0.02));
    }

    private void closeFirstWindow() {
        // A record at 16 s moves stream time past the first window's end plus grace (15 s).
        crossings.pipeInput("other", copy(T0 + 16 * S, T0 + 16 * S + US, T0 + 16 * S, T0 + 16 * S + US, 8));
    }

    private static BridgeCostWindow single(List<BridgeCostWindow> results) {
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private static Crossing copy(long a, long b, long s, long e, long bytes) {
        return base(a, b, bytes).setDirection(Direction.H2D).setGpuStartNs(s).setGpuEndNs(e).build();
    }

    private static Crossing d2h(long a, long e) {
        return base(a, e, 8).setDirection(Direction.D2H).setGpuStartNs(a).setGpuEndNs(e).build();
    }

    private static Crossing hostOnly(long a, long b, boolean async) {
        return base(a, b, 256).setDirection(Direction.H2D).setAsyncRequested(async).build();
    }

    private static Crossing.Builder base(long a, long b, long bytes) {
        return Crossing.newBuilder().setNodeId("n1").setGpuIndex(0).setPid(1).setTid(1).setContextId(1)
                .setStreamId(7).setCorrelationId(1).setApi("cudaMemcpyAsync").setHostMemory(HostMemoryKind.PINNED)
                .setBytes(bytes).setAsyncRequested(true).setApiStartNs(a).setApiEndNs(b);
    }

    private static KernelExec kernel(long a, long s, long e) {
        return KernelExec.newBuilder().setNodeId("n1").setGpuIndex(0).setPid(1).setTid(1).setContextId(1)
                .setStreamId(7).setCorrelationId(2).setKernelName("gemm").setGrid(List.of(1, 1, 1))
                .setBlock(List.of(128, 1, 1)).setApiStartNs(a).setApiEndNs(a + 5 * US).setGpuStartNs(s)
                .setGpuEndNs(e).build();
    }
}
