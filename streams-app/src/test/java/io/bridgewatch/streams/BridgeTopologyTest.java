package io.bridgewatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static io.bridgewatch.streams.TestEvents.*;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BridgeTopologyTest {
    private TopologyHarness harness;
    private TestInputTopic<String, Crossing> crossings;
    private TestInputTopic<String, KernelExec> kernels;
    private TestOutputTopic<String, BridgeCostWindow> costs;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        crossings = harness.crossings;
        kernels = harness.kernels;
        costs = harness.output(Topics.BRIDGE_COST, BridgeCostWindow.class);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldNotChargeACopyForWaitingBehindAKernelOnItsStream() {
        kernels.pipeInput("n1", kernel(T0 + 100 * US, T0 + 200 * US, T0 + 1000 * US).build());
        // Issued at 500 us, but the stream is busy until 1000 us: cost = 1020 - 1000 = 20 us, not 520 us.
        crossings.pipeInput("n1", copy(T0 + 500 * US, T0 + 505 * US, T0 + 1000 * US, T0 + 1020 * US, 4096).build());
        closeFirstWindow();

        BridgeCostWindow result = single(costs.readValuesToList());
        assertThat(result.getCostP50S()).isCloseTo(20e-6, within(20e-6 * 0.02));
        assertThat(result.getForm()).isEqualTo(CostForm.GPU);
    }

    @Test
    void shouldNotLetLaterWorkOnTheStreamShrinkACopysCost() {
        // The next step's kernel (enqueued after the copy) is processed first, e.g. within the same millisecond.
        kernels.pipeInput("n1", kernel(T0 + 2000 * US, T0 + 2000 * US, T0 + 9000 * US).build());
        crossings.pipeInput("n1", copy(T0 + 1000 * US, T0 + 1340 * US, T0 + 1000 * US, T0 + 1330 * US, 64).build());
        closeFirstWindow();
        assertThat(single(costs.readValuesToList()).getCostP50S()).isCloseTo(340e-6, within(340e-6 * 0.02));
    }

    @Test
    void shouldChargeABlockingCopyUntilItsHostCallReturns() {
        // GPU done at 1330 us, call returns at 1340 us: done = max(b, e) = 1340, ready = a = 1000.
        crossings.pipeInput("n1", copy(T0 + 1000 * US, T0 + 1340 * US, T0 + 1000 * US, T0 + 1330 * US, 64).build());
        closeFirstWindow();
        assertThat(single(costs.readValuesToList()).getCostP50S()).isCloseTo(340e-6, within(340e-6 * 0.02));
    }

    @Test
    void shouldEmitOneFinalResultPerGroupWhenTheWindowCloses() {
        for (int i = 0; i < 10; i++) {
            long a = T0 + i * 100_000 * US;
            crossings.pipeInput("n1", copy(a, a + 5 * US, a, a + 15 * US, 1024).build());
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
    void shouldCountACopySeenOnlyOnTheGpuWithoutChargingItAndLetItOccupyItsStream() {
        // A graph-launched copy (no host call) from 1000 us to 1400 us on stream 7; then a copy called at 1100 us on
        // the same stream, which could start only once the first was done (1400 us) and ends at 1415 us.
        crossings.pipeInput("n1", copy(T0 + 1000 * US, T0 + 1000 * US, T0 + 1000 * US, T0 + 1400 * US, 4096)
                .setHostCall(false).setApi("").setAsyncRequested(false).build());
        crossings.pipeInput("n1", copy(T0 + 1100 * US, T0 + 1105 * US, T0 + 1400 * US, T0 + 1415 * US, 64).build());
        closeFirstWindow();

        BridgeCostWindow h2d = single(costs.readValuesToList());
        assertThat(h2d.getCrossings()).as("charged").isEqualTo(1);
        assertThat(h2d.getBytes()).isEqualTo(64);
        assertThat(h2d.getGpuOnlyCrossings()).isEqualTo(1);
        assertThat(h2d.getGpuOnlyBytes()).isEqualTo(4096);
        assertThat(h2d.getAsyncCalls()).as("the GPU-only copy is no async call").isEqualTo(1);
        assertThat(h2d.getCostP50S()).as("ready when the GPU-only copy was done").isCloseTo(15e-6,
                within(15e-6 * 0.02));
    }

    @Test
    void shouldCountAndChargeACopyOfUnknownSizeButLeaveItOutOfSizeBasedFigures() {
        // Small copies at 10 us + n / 10 GB/s, and as many 2 ms copies whose size the trace did not give (ROCm).
        for (int i = 0; i < 10; i++) {
            long a = T0 + i * 100_000 * US;
            long bytes = 1024L << (i % 5);
            long cost = 10 * US + bytes / 10;
            crossings.pipeInput("n1", copy(a, a + cost, a, a + cost, bytes).build());
            long b = a + 50_000 * US;
            crossings.pipeInput("n1", copy(b, b + 2_000 * US, b, b + 2_000 * US, 0).setBytesKnown(false).build());
        }
        closeFirstWindow();

        BridgeCostWindow h2d = single(costs.readValuesToList());
        assertThat(h2d.getCrossings()).as("counted").isEqualTo(20);
        assertThat(h2d.getBytesUnknownCrossings()).isEqualTo(10);
        assertThat(h2d.getCostP99S()).as("charged").isCloseTo(2e-3, within(2e-3 * 0.02));
        assertThat(h2d.getSmallCrossings()).as("not a small crossing: its size is unknown").isEqualTo(10);
        assertThat(h2d.getTollS()).as("the fit sees the known sizes only").isCloseTo(10e-6, within(10e-6 * 0.05));
        assertThat(h2d.getBytes()).isEqualTo(2 * (1024 + 2048 + 4096 + 8192 + 16384));
    }

    @Test
    void shouldFitBandwidthWhenOnlyLargeCrossingsArrive() {
        // 4 MiB and 64 MiB copies at 330 us + n / 11 GB/s: no small crossings in the group at all.
        long a = T0 + S;
        for (long bytes : new long[] {4L << 20, 64L << 20, 4L << 20, 64L << 20}) {
            long duration = 330 * US + Math.round(bytes / 11e9 * 1e9);
            crossings.pipeInput("n1", copy(a, a + duration + 1, a, a + duration, bytes).build());
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
        crossings.pipeInput("n1", copy(T0 + 9 * S, T0 + 9 * S + 5 * US, T0 + 9 * S, T0 + 9 * S + 10 * US, 64).build());
        // Stream time 12 s: the [0, 10 s) window is past its end but within its 5 s grace.
        crossings.pipeInput("n1", copy(T0 + 12 * S, T0 + 12 * S + 5 * US, T0 + 12 * S, T0 + 12 * S + 10 * US, 64).build());
        crossings.pipeInput("n1", copy(T0 + 3 * S, T0 + 3 * S + 5 * US, T0 + 3 * S, T0 + 3 * S + 10 * US, 64).build());
        // Stream time 16 s: the window closes; a record for it now is late.
        crossings.pipeInput("n1", copy(T0 + 16 * S, T0 + 16 * S + 5 * US, T0 + 16 * S, T0 + 16 * S + 10 * US, 64).build());
        crossings.pipeInput("n1", copy(T0 + 4 * S, T0 + 4 * S + 5 * US, T0 + 4 * S, T0 + 4 * S + 10 * US, 64).build());

        BridgeCostWindow first = single(costs.readValuesToList());
        assertThat(first.getCrossings()).isEqualTo(2);
        DeadLetter late = single(harness.output(Topics.DLQ, DeadLetter.class).readValuesToList().stream()
                .filter(letter -> letter.getStage().equals("late")).toList());
        assertThat(late.getStage()).isEqualTo("late");
        assertThat(late.getSourceTopic()).isEqualTo(Topics.CROSSINGS);
        assertThat(late.getReason()).contains("2026-01-01T00:00:04Z", "closed at 2026-01-01T00:00:15Z");
        Crossing original = BridgewatchSerdes.crossing().deserialize(Topics.CROSSINGS, bytes(late.getValue()));
        assertThat(original.getApiStartNs()).isEqualTo(T0 + 4 * S);
        assertThat(harness.driver.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("late-records-total")
                        && Topics.CROSSINGS.equals(m.getKey().tags().get("bridgewatch-id")))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue()).sum())
                .as("late records counted").isEqualTo(1.0);
    }

    @Test
    void shouldUseHostTimesAloneWhenNoGpuTimesExist() {
        // CC production node: CUPTI refused, so only host enter/exit. A blocking async call is charged its host time;
        // an async call that returned at once says nothing by itself.
        crossings.pipeInput("n1", hostOnly(T0 + S, T0 + S + 335 * US, true).build());
        crossings.pipeInput("n1", hostOnly(T0 + 2 * S, T0 + 2 * S + 4 * US, true).build());
        closeFirstWindow();

        BridgeCostWindow result = single(costs.readValuesToList());
        assertThat(result.getForm()).isEqualTo(CostForm.CPU_ONLY);
        assertThat(result.getCrossings()).isEqualTo(1);
        assertThat(result.getCostP50S()).isCloseTo(335e-6, within(335e-6 * 0.02));
        assertThat(result.getAsyncCalls()).isEqualTo(2);
        assertThat(result.getAsyncBlocked()).as("335 us is over the 50 us floor, 4 us is not").isEqualTo(1);
        assertThat(result.getAsyncBlockedFraction()).isEqualTo(0.5);
    }

    @Test
    void shouldLoseNothingOfANodeThatFallsBehindAnotherOfItsPartition() {
        harness.close();
        harness = TopologyHarness.closingPerNode(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5))
                .withNodeSilence(Duration.ofSeconds(60)));
        costs = harness.output(Topics.BRIDGE_COST, BridgeCostWindow.class);
        TestOutputTopic<String, DeadLetter> deadLetters = harness.output(Topics.DLQ, DeadLetter.class);
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 20 * US, T0 + S, T0 + S + 10 * US, 64).build());
        // Another node of the partition resends 40 s of its spool first (after an outage, say).
        for (long t = 2; t <= 42; t++) {
            harness.advanceStreamTimeTo(T0 + t * S);
        }
        harness.crossings.pipeInput("n1", copy(T0 + 5 * S, T0 + 5 * S + 20 * US, T0 + 5 * S, T0 + 5 * S + 10 * US,
                64).build());
        assertThat(costs.readValuesToList()).as("n1's first window is still open")
                .noneMatch(w -> w.getNodeId().toString().equals("n1"));
        harness.crossings.pipeInput("n1", copy(T0 + 16 * S, T0 + 16 * S + 20 * US, T0 + 16 * S,
                T0 + 16 * S + 10 * US, 64).build());

        assertThat(costs.readValuesToList()).filteredOn(w -> w.getNodeId().toString().equals("n1")).singleElement()
                .satisfies(w -> assertThat(w.getCrossings()).isEqualTo(2));
        assertThat(deadLetters.readValuesToList()).as("nothing late").noneMatch(d -> d.getStage().equals("late"));
    }

    private void closeFirstWindow() {
        // A record at 16 s moves stream time past the first window's end plus grace (15 s).
        harness.advanceStreamTimeTo(T0 + 16 * S);
    }

    private static Crossing d2h(long a, long e) {
        return base(a, e, 8).setDirection(Direction.D2H).setGpuStartNs(a).setGpuEndNs(e).build();
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] array = new byte[buffer.remaining()];
        buffer.duplicate().get(array);
        return array;
    }

    private static <T> T single(List<T> results) {
        assertThat(results).hasSize(1);
        return results.get(0);
    }
}
