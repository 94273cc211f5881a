package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
import static io.bridgewatch.streams.TestEvents.US;
import static io.bridgewatch.streams.TestEvents.copy;
import static io.bridgewatch.streams.TestEvents.hostOnly;
import static io.bridgewatch.streams.TestEvents.kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Copy concurrency (DESIGN 4.3) with hand-computed expectations. */
class ConcurrencyTopologyTest {
    private TopologyHarness harness;
    private TestOutputTopic<String, ConcurrencyWindow> results;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        results = harness.output(Topics.CONCURRENCY, ConcurrencyWindow.class);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldGiveOneForTwoFullySerializedCopies() {
        // Two 1 ms copies on different streams, one after the other: 2 ms of copy time over a 2 ms union.
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 10 * US, T0 + S, T0 + S + MS, 4096).build());
        harness.crossings.pipeInput("n1", copy(T0 + S + 10 * US, T0 + S + 20 * US, T0 + S + MS, T0 + S + 2 * MS, 4096)
                .setStreamId(8).build());
        harness.advanceStreamTimeTo(T0 + 16 * S);

        ConcurrencyWindow context = row(results.readValuesToList(), 1L);
        assertThat(context.getCopies()).isEqualTo(2);
        assertThat(context.getCopyConcurrencyIndex()).isEqualTo(1.0);
        assertThat(context.getCopyUnionS()).isCloseTo(2e-3, within(1e-12));
        assertThat(context.getBridgeOccupancy()).isCloseTo(2e-3 / 10, within(1e-12));
        assertThat(context.getDifferentStreamOverlapFraction()).isEqualTo(0.0);
    }

    @Test
    void shouldWaitForANodesCopiesWhenItsKernelsRunAhead() {
        harness.close();
        harness = TopologyHarness.closingPerNode(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5))
                .withNodeSilence(Duration.ofSeconds(60)));
        results = harness.output(Topics.CONCURRENCY, ConcurrencyWindow.class);
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 5 * US, T0 + S, T0 + S + MS, 4096).build());
        // After an outage the node's kernels partition is back first: 30 s of its kernels before its next copies.
        for (long t = 2; t <= 32; t++) {
            harness.kernels.pipeInput("n1", kernel(T0 + t * S, T0 + t * S, T0 + t * S + MS).build());
        }
        assertThat(results.readValuesToList()).as("[0 s, 10 s) waits for n1's copies").isEmpty();
        harness.crossings.pipeInput("n1", copy(T0 + 5 * S, T0 + 5 * S + 5 * US, T0 + 5 * S, T0 + 5 * S + MS, 4096)
                .setStreamId(8).build());
        harness.crossings.pipeInput("n1", copy(T0 + 16 * S, T0 + 16 * S + 5 * US, T0 + 16 * S, T0 + 16 * S + MS,
                4096).build());

        ConcurrencyWindow first = row(results.readValuesToList(), 1L);
        assertThat(first.getCopies()).as("both copies of [0 s, 10 s)").isEqualTo(2);
        assertThat(first.getReorderedIntervals()).as("not sealed before n1's copies came").isZero();
        assertThat(first.getCopyComputeOverlapFraction()).as("the 5 s copy ran under the 5 s kernel")
                .isCloseTo(0.5, within(1e-9));
    }

    @Test
    void shouldGiveTwoForTwoFullyOverlappingCopies() {
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 5 * US, T0 + S, T0 + S + MS, 4096).build());
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 5 * US, T0 + S, T0 + S + MS, 4096)
                .setStreamId(8).build());
        harness.advanceStreamTimeTo(T0 + 16 * S);

        List<ConcurrencyWindow> rows = results.readValuesToList();
        ConcurrencyWindow context = row(rows, 1L);
        assertThat(context.getCopyConcurrencyIndex()).isEqualTo(2.0);
        assertThat(context.getDifferentStreamOverlapFraction()).isEqualTo(1.0);
        assertThat(row(rows, null).getCopyConcurrencyIndex()).as("across contexts too").isEqualTo(2.0);
    }

    @Test
    void shouldSeparateContextsAndMeasureAcrossThemPerGpu() {
        // Context 1 and context 2 each copy for 1 ms at the same time: 1.0 within each, 2.0 across the GPU.
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 5 * US, T0 + S, T0 + S + MS, 4096).build());
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 5 * US, T0 + S, T0 + S + MS, 4096)
                .setContextId(2).setStreamId(20).build());
        harness.advanceStreamTimeTo(T0 + 16 * S);

        List<ConcurrencyWindow> rows = results.readValuesToList();
        assertThat(row(rows, 1L).getCopyConcurrencyIndex()).isEqualTo(1.0);
        assertThat(row(rows, 2L).getCopyConcurrencyIndex()).isEqualTo(1.0);
        assertThat(row(rows, null).getCopyConcurrencyIndex()).isEqualTo(2.0);
    }

    @Test
    void shouldMeasureCopyTimeOverlappedByKernels() {
        // A kernel on stream 9 runs [1.0, 1.5] ms; the copy on stream 7 runs [0.5, 1.5] ms: half of it overlapped.
        harness.kernels.pipeInput("n1", kernel(T0 + S, T0 + S + MS, T0 + S + 1500 * US).setStreamId(9).build());
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 5 * US, T0 + S + 500 * US, T0 + S + 1500 * US, 4096)
                .build());
        harness.advanceStreamTimeTo(T0 + 16 * S);

        assertThat(row(results.readValuesToList(), 1L).getCopyComputeOverlapFraction()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void shouldSplitACopyAtTheWindowBoundary() {
        // [9.999, 10.001] s: 1 ms in each window, counted as one copy in the first.
        long a = T0 + 10 * S - MS;
        harness.crossings.pipeInput("n1", copy(a, a + 5 * US, a, a + 2 * MS, 1 << 20).build());
        harness.advanceStreamTimeTo(T0 + 26 * S);

        List<ConcurrencyWindow> rows = results.readValuesToList().stream()
                .filter(r -> r.getNodeId().equals("n1") && r.getContextId() != null).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getWindowStartNs()).isEqualTo(T0);
        assertThat(rows.get(0).getCopies()).isEqualTo(1);
        assertThat(rows.get(0).getCopyUnionS()).isCloseTo(1e-3, within(1e-12));
        assertThat(rows.get(1).getWindowStartNs()).isEqualTo(T0 + 10 * S);
        assertThat(rows.get(1).getCopies()).isZero();
        assertThat(rows.get(1).getCopyUnionS()).isCloseTo(1e-3, within(1e-12));
    }

    @Test
    void shouldUseHostIntervalsWithoutGpuTimes() {
        // Two threads block in copies at the same time: host intervals overlap for 200 of their 300 + 300 us.
        harness.crossings.pipeInput("n1", hostOnly(T0 + S, T0 + S + 300 * US, false).setTid(1).build());
        harness.crossings.pipeInput("n1", hostOnly(T0 + S + 100 * US, T0 + S + 400 * US, false).setTid(2)
                .setStreamId(8).build());
        harness.advanceStreamTimeTo(T0 + 16 * S);

        ConcurrencyWindow context = row(results.readValuesToList(), 1L);
        assertThat(context.getForm()).isEqualTo(CostForm.CPU_ONLY);
        assertThat(context.getCopyConcurrencyIndex()).isCloseTo(600.0 / 400, within(1e-12));
        assertThat(context.getCopyComputeOverlapFraction()).isNull();
    }

    @Test
    void shouldNotCountHostTimeQueuedBehindTheStreamsPreviousCopyAsCrossing() {
        // Same stream, two threads: the second call waits until the first copy is done at 300 us, so its crossing
        // runs [300, 600] us, not [100, 600] us: serialized, C = 1.
        harness.crossings.pipeInput("n1", hostOnly(T0 + S, T0 + S + 300 * US, false).setTid(1).build());
        harness.crossings.pipeInput("n1", hostOnly(T0 + S + 100 * US, T0 + S + 600 * US, false).setTid(2).build());
        harness.advanceStreamTimeTo(T0 + 16 * S);

        ConcurrencyWindow context = row(results.readValuesToList(), 1L);
        assertThat(context.getCopyConcurrencyIndex()).isEqualTo(1.0);
        assertThat(context.getCopyUnionS()).isCloseTo(600e-6, within(1e-12));
    }

    @Test
    void shouldKeepOverlapsOfOutOfOrderRecordsWithinTheReorderSlack() {
        // The second record arrives first but starts 50 us earlier (within the 100 ms slack): still overlapping.
        harness.crossings.pipeInput("n1", copy(T0 + S + 50 * US, T0 + S + 55 * US, T0 + S + 50 * US,
                T0 + S + 1050 * US, 4096).setStreamId(8).build());
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 5 * US, T0 + S, T0 + S + MS, 4096).build());
        harness.advanceStreamTimeTo(T0 + 16 * S);

        ConcurrencyWindow context = row(results.readValuesToList(), 1L);
        assertThat(context.getCopyConcurrencyIndex()).isCloseTo(2000.0 / 1050, within(1e-12));
        assertThat(context.getReorderedIntervals()).isZero();
    }

    private static ConcurrencyWindow row(List<ConcurrencyWindow> rows, Long context) {
        return rows.stream().filter(r -> r.getNodeId().equals("n1")
                        && java.util.Objects.equals(r.getContextId(), context)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for context " + context + " in " + rows));
    }
}
