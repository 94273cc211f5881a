package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
import static io.bridgewatch.streams.TestEvents.US;
import static io.bridgewatch.streams.TestEvents.copy;
import static io.bridgewatch.streams.TestEvents.kernel;
import static io.bridgewatch.streams.TestEvents.node;
import static io.bridgewatch.streams.TestEvents.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Phase;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Phase occurrences and penalties (DESIGN 4.5), hand-computed. */
class PhaseTopologyTest {
    private static final long MIB = 1 << 20;
    private TopologyHarness harness;
    private TestOutputTopic<String, PhaseOccurrence> phases;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        phases = harness.output(Topics.PHASES, PhaseOccurrence.class);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldMeasureAKvRestoreFromTheFirstCopysReadyToThePrefillsEnd() {
        restore("n1", T0 + S, 1 * MS);
        // Closed once stream time passes its end (1.025 s) plus the gap (1 s) plus the lateness allowed (5 s).
        harness.advanceStreamTimeTo(T0 + 8 * S);

        PhaseOccurrence restore = phases.readValuesToList().get(0);
        assertThat(restore.getPhase()).isEqualTo(Phase.KV_RESTORE);
        assertThat(restore.getForm()).isEqualTo(CostForm.GPU);
        // Ready at 1.002 s (the stream was busy until then, not 1.000 s when the call came); done at the prefill's
        // end, 1.002 + 3 copies of 1 ms + 20 ms = 1.025 s.
        assertThat(restore.getStartNs()).isEqualTo(T0 + S + 2 * MS);
        assertThat(restore.getDurationS()).isCloseTo(0.023, within(1e-9));
        assertThat(restore.getCrossings()).isEqualTo(3);
        assertThat(restore.getKernels()).isEqualTo(1);
        assertThat(restore.getBytes()).isEqualTo(6 * MIB);
        assertThat(restore.getMeanBytesPerCrossing()).isEqualTo(2.0 * MIB);
        assertThat(restore.getContextsUsed()).isEqualTo(1);
        assertThat(restore.getEffectiveBandwidthBytesPerS()).isCloseTo(6 * MIB / 0.023, within(1e-3));
        assertThat(restore.getPredictedDurationS()).as("no fit yet: its own three 1 ms crossings on one context")
                .isCloseTo(0.003, within(1e-9));
    }

    @Test
    void shouldPredictAnOccurrenceFromTheNodesLatestBridgeFit() {
        // A first window of pinned H2D copies with a 10 us toll at 10 GB/s, sizes 4 KiB to 16 MiB; it closes at 15 s.
        long t = T0 + S;
        for (int i = 0; i < 40; i++) {
            long bytes = 4096L << (2 * (i % 6));
            long cost = 10 * US + Math.round(bytes / 10.0);
            harness.crossings.pipeInput("n1", copy(t, t + 5 * US, t, t + cost, bytes).build());
            t += 5 * MS;
        }
        harness.advanceStreamTimeTo(T0 + 16 * S);
        restore("n1", T0 + 20 * S, 1 * MS);
        harness.advanceStreamTimeTo(T0 + 28 * S);

        PhaseOccurrence restore = phases.readValuesToList().get(0);
        double predicted = 3 * 10e-6 + 6 * MIB / 10e9;
        assertThat(restore.getPredictedDurationS()).as("3 crossings x toll + 6 MiB / bandwidth")
                .isCloseTo(predicted, within(0.02 * predicted));
    }

    @Test
    void shouldPredictFromTheFitAsItStoodAtTheOccurrencesFirstCrossingNotFromOneClosingDuringIt() {
        // Window [0, 10 s): a 10 us toll at 10 GB/s; window [10 s, 20 s): a 50 us toll at 2 GB/s.
        copiesAt(T0 + S, 10 * US, 10.0);
        copiesAt(T0 + 11 * S, 50 * US, 2.0);
        harness.advanceStreamTimeTo(T0 + 16 * S); // the first window closes: its fit is the node's
        // A restore from 24.5 s, and one more of its copies at 25.3 s: by then the second window has closed.
        restore("n1", T0 + 24_500 * MS, 1 * MS);
        long late = T0 + 25_300 * MS;
        harness.crossings.pipeInput("n1", copy(late, late + 5 * US, late, late + MS, 2 * MIB)
                .setPhase(Phase.KV_RESTORE).build());
        harness.advanceStreamTimeTo(T0 + 40 * S);

        PhaseOccurrence restore = phases.readValuesToList().get(0);
        assertThat(restore.getCrossings()).isEqualTo(4);
        double predicted = 4 * 10e-6 + 8 * MIB / 10e9;
        assertThat(restore.getPredictedDurationS()).as("the first window's fit, whatever closed meanwhile")
                .isCloseTo(predicted, within(0.02 * predicted));
    }

    @Test
    void shouldSplitOccurrencesAtAQuietGap() {
        restore("n1", T0 + S, 1 * MS);
        restore("n1", T0 + 5 * S, 1 * MS);
        harness.advanceStreamTimeTo(T0 + 12 * S);

        List<PhaseOccurrence> occurrences = phases.readValuesToList();
        assertThat(occurrences).hasSize(2);
        assertThat(occurrences.get(1).getStartNs()).isEqualTo(T0 + 5 * S + 2 * MS);
    }

    @Test
    void shouldKeepAnOccurrenceWholeWhenOneInputRunsAheadOfTheOther() {
        // The crossings of the restore are processed; the other input has moved stream time 3 s further before
        // the restore's prefill kernel (same moment as its copies) is processed: still one occurrence.
        harness.crossings.pipeInput("n1", copy(T0 + S, T0 + S + 5 * US, T0 + S, T0 + S + MS, 2 * MIB)
                .setPhase(Phase.KV_RESTORE).build());
        harness.advanceStreamTimeTo(T0 + 4 * S);
        harness.kernels.pipeInput("n1", kernel(T0 + S + MS, T0 + S + MS, T0 + S + 21 * MS)
                .setPhase(Phase.KV_RESTORE).build());
        harness.advanceStreamTimeTo(T0 + 9 * S);

        assertThat(phases.readValuesToList()).singleElement().satisfies(restore -> {
            assertThat(restore.getCrossings()).isEqualTo(1);
            assertThat(restore.getKernels()).isEqualTo(1);
        });
    }

    @Test
    void shouldComparePhaseDurationsWithTheReferenceCohort() {
        harness.nodes.pipeInput("ref", node("ref", CcMode.OFF));
        harness.nodes.pipeInput("cc", node("cc", CcMode.ON));
        // Reference copies take 1 ms (restore 23 ms), CC copies 11 ms (restore 53 ms): penalty 53 / 23 - 1.
        restore("ref", T0 + S, 1 * MS);
        restore("cc", T0 + S, 11 * MS);
        for (int second = 1; second <= 125; second += 2) {
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, 80, 0.01));
            harness.serving.pipeInput("ref", serving("ref", T0 + second * S, 100, 0.01));
        }

        CohortComparison cc = harness.output(Topics.MITIGATION, CohortComparison.class).readValuesToList().stream()
                .filter(r -> r.getVariant().equals("cc")).findFirst().orElseThrow();
        assertThat(cc.getPhaseDurationMedianS().get("KV_RESTORE")).isCloseTo(0.053, within(1e-9));
        assertThat(cc.getPhasePenalty().get("KV_RESTORE")).isCloseTo(0.053 / 0.023 - 1, within(1e-9));
    }

    /** Forty pinned H2D copies of 4 KiB to 16 MiB from {@code atNs}, each costing toll + bytes / bandwidth. */
    private void copiesAt(long atNs, long tollNs, double bytesPerNs) {
        long t = atNs;
        for (int i = 0; i < 40; i++) {
            long bytes = 4096L << (2 * (i % 6));
            long cost = tollNs + Math.round(bytes / bytesPerNs);
            harness.crossings.pipeInput("n1", copy(t, t + 5 * US, t, t + cost, bytes).build());
            t += 5 * MS;
        }
    }

    /** A kernel busy until +2 ms, three 2 MiB restore copies of {@code copyNs} each, then a 20 ms prefill. */
    private void restore(String node, long atNs, long copyNs) {
        harness.kernels.pipeInput(node, kernel(atNs - MS, atNs - MS, atNs + 2 * MS).setNodeId(node).build());
        long gpu = atNs + 2 * MS;
        for (int i = 0; i < 3; i++) {
            harness.crossings.pipeInput(node, copy(atNs + i * 10 * US, atNs + i * 10 * US + 5 * US, gpu,
                    gpu + copyNs, 2 * MIB).setNodeId(node).setPhase(Phase.KV_RESTORE).build());
            gpu += copyNs;
        }
        harness.kernels.pipeInput(node, kernel(atNs + 40 * US, gpu, gpu + 20 * MS).setNodeId(node)
                .setPhase(Phase.KV_RESTORE).build());
    }
}
