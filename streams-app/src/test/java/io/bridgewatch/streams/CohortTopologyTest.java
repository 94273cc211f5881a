package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
import static io.bridgewatch.streams.TestEvents.US;
import static io.bridgewatch.streams.TestEvents.kernel;
import static io.bridgewatch.streams.TestEvents.node;
import static io.bridgewatch.streams.TestEvents.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.cohort.ReferenceBaseline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Throughput gap, recovered fraction and inter-token latency per cohort (DESIGN 4.4), hand-computed. */
class CohortTopologyTest {
    private static final String COHORT = "NVIDIA H200|580|VLLM|0.14.1|Qwen3-27B-FP8|c32";
    private TopologyHarness harness;
    private TestOutputTopic<String, CohortComparison> results;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        results = harness.output(Topics.MITIGATION, CohortComparison.class);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldComputeGapAndRecoveredFractionAgainstTheLiveReference() {
        serveFiftySeconds(100, 80, 95);

        Map<String, CohortComparison> byVariant = results.readValuesToList().stream()
                .collect(Collectors.toMap(CohortComparison::getVariant, r -> r));
        assertThat(byVariant).containsOnlyKeys("reference", "cc", "cc+drain-thread");
        CohortComparison cc = byVariant.get("cc");
        assertThat(cc.getCohort()).isEqualTo(COHORT);
        assertThat(cc.getReferenceSource()).isEqualTo("live");
        assertThat(cc.getTokensPerS()).isCloseTo(80, within(1e-9));
        assertThat(cc.getThroughputGap()).isCloseTo(0.20, within(1e-9));
        assertThat(cc.getInterTokenLatencyRatio()).isCloseTo(1.25, within(1e-9));
        assertThat(cc.getRecoveredFraction()).as("only mitigated variants recover").isNull();
        CohortComparison drain = byVariant.get("cc+drain-thread");
        assertThat(drain.getThroughputGap()).as("residual gap").isCloseTo(0.05, within(1e-9));
        assertThat(drain.getRecoveredFraction()).isCloseTo((95.0 - 80) / (100 - 80), within(1e-9));
        assertThat(drain.getInterTokenLatencyRecoveredFraction()).isCloseTo(0.8, within(1e-9));
        assertThat(drain.getNodes()).containsExactly("drain");
        assertThat(drain.getWindowStartNs()).isEqualTo(T0);
        assertThat(drain.getWindowEndNs()).isEqualTo(T0 + 60 * S);
    }

    @Test
    void shouldKeepAProvisionalComparisonOfTheOpenWindowForMetricsOnlyUntilItsFinalResultComes() {
        harness.nodes.pipeInput("ref", node("ref", CcMode.OFF));
        harness.nodes.pipeInput("cc", node("cc", CcMode.ON));
        for (int second = 1; second <= 20; second++) {
            harness.serving.pipeInput("ref", serving("ref", T0 + second * S, 100, 0.010));
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, 75, 0.0125));
        }
        var provisional = harness.driver.<String, CohortComparison>getKeyValueStore(
                StoreNames.COHORT_PROVISIONAL_VIEW);
        assertThat(provisional.get(COHORT + "|cc")).as("none before the interval passes").isNull();

        harness.driver.advanceWallClockTime(TopologyConfig.DEFAULT_COHORT_PROVISIONAL);

        CohortComparison early = provisional.get(COHORT + "|cc");
        assertThat(early.getProvisional()).isTrue();
        assertThat(early.getWindowStartNs()).isEqualTo(T0);
        assertThat(early.getThroughputGap()).as("from the first 20 s").isCloseTo(0.25, within(1e-9));
        assertThat(results.isEmpty()).as("nothing provisional on the result topic").isTrue();
        assertThat(harness.driver.<String, CohortComparison>getWindowStore(StoreNames.COHORT_COMPARISON_VIEW)
                .fetch(COHORT, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE)).hasNext())
                .as("nor in the result view").isFalse();

        for (int second = 21; second <= 50; second++) {
            harness.serving.pipeInput("ref", serving("ref", T0 + second * S, 100, 0.010));
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, 90, 0.0125));
        }
        closeFirstCohortWindow("cc");

        assertThat(results.readValuesToList()).filteredOn(r -> r.getVariant().equals("cc")).singleElement()
                .satisfies(r -> {
                    assertThat(r.getProvisional()).isFalse();
                    assertThat(r.getThroughputGap()).isCloseTo(1 - (20 * 75 + 30 * 90) / 5000.0, within(1e-9));
                });
        assertThat(provisional.get(COHORT + "|cc")).as("dropped once the window closed").isNull();
    }

    @Test
    void shouldSayWhyThereIsNoRatioWhenTheCohortHasNoReference() {
        harness.nodes.pipeInput("cc", node("cc", CcMode.ON));
        harness.nodes.pipeInput("drain", node("drain", CcMode.ON, "drain-thread"));
        for (int second = 1; second <= 50; second++) {
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, 80, 0.0125));
            harness.serving.pipeInput("drain", serving("drain", T0 + second * S, 95, 0.0105));
        }
        closeFirstCohortWindow("cc");

        List<CohortComparison> rows = results.readValuesToList();
        assertThat(rows).hasSize(2).allSatisfy(row -> {
            assertThat(row.getReferenceSource()).isEqualTo("none");
            assertThat(row.getThroughputGap()).isNull();
            assertThat(row.getRecoveredFraction()).isNull();
            assertThat(row.getNoRatioReason()).contains("no reference", "cc_mode=OFF");
            assertThat(row.getTokensPerS()).isNotNull();
        });
    }

    @Test
    void shouldUseTheBaselineFileWhenTheCohortHasNoLiveReference(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("baseline.yaml");
        Files.writeString(file, """
                # reference figures measured on cc_mode=OFF nodes of this cohort
                cohorts:
                  - cohort: "%s"
                    tokens_per_s: 100.0
                    inter_token_latency_mean_s: 0.010
                """.formatted(COHORT));
        harness.close();
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5))
                .withBaseline(ReferenceBaseline.load(file)));
        results = harness.output(Topics.MITIGATION, CohortComparison.class);
        harness.nodes.pipeInput("cc", node("cc", CcMode.ON));
        harness.nodes.pipeInput("drain", node("drain", CcMode.ON, "drain-thread"));
        for (int second = 1; second <= 50; second++) {
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, 80, 0.0125));
            harness.serving.pipeInput("drain", serving("drain", T0 + second * S, 95, 0.0105));
        }
        closeFirstCohortWindow("cc");

        Map<String, CohortComparison> byVariant = results.readValuesToList().stream()
                .collect(Collectors.toMap(CohortComparison::getVariant, r -> r));
        assertThat(byVariant).containsOnlyKeys("cc", "cc+drain-thread");
        assertThat(byVariant.get("cc").getReferenceSource()).isEqualTo("baseline");
        assertThat(byVariant.get("cc").getThroughputGap()).isCloseTo(0.20, within(1e-9));
        assertThat(byVariant.get("cc+drain-thread").getRecoveredFraction()).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void shouldNameTheLineOfAWrongBaselineField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("baseline.yaml");
        Files.writeString(file, "cohorts:\n  - cohort: x\n    tokens_per_second: 1\n");
        assertThatThrownBy(() -> ReferenceBaseline.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseline.yaml:").hasMessageContaining("cohorts[0].tokens_per_second");
    }

    @Test
    void shouldNotComputeARecoveredFractionFromAGapWithinNoise() {
        serveFiftySeconds(100, 99, 100);

        CohortComparison drain = results.readValuesToList().stream()
                .filter(r -> r.getVariant().equals("cc+drain-thread")).findFirst().orElseThrow();
        assertThat(drain.getRecoveredFraction()).isNull();
        assertThat(drain.getNoRatioReason()).contains("within noise");
    }

    @Test
    void shouldCompareKernelDurationsOfMatchingKernelsWithTheReference() {
        harness.nodes.pipeInput("ref", node("ref", CcMode.OFF));
        harness.nodes.pipeInput("cc", node("cc", CcMode.ON));
        for (int i = 0; i < 20; i++) {
            long at = T0 + S + i * 100 * TestEvents.MS;
            // gemm: 10 ms vs 10.2 ms; a graph: 4 ms vs 4 ms; a kernel only CC ran does not count.
            harness.kernels.pipeInput("ref", kernel(at, at, at + 10 * TestEvents.MS).setNodeId("ref").build());
            harness.kernels.pipeInput("cc", kernel(at, at, at + 10_200 * TestEvents.US).setNodeId("cc").build());
            harness.kernels.pipeInput("ref", kernel(at, at, at + 4 * TestEvents.MS).setNodeId("ref")
                    .setGraphId(7L).setKernelName("decode graph").build());
            harness.kernels.pipeInput("cc", kernel(at, at, at + 4 * TestEvents.MS).setNodeId("cc")
                    .setGraphId(7L).setKernelName("decode graph").build());
            harness.kernels.pipeInput("cc", kernel(at, at, at + TestEvents.MS).setNodeId("cc")
                    .setKernelName("only-on-cc").build());
        }
        // Kernel windows close on kernel stream time: a later kernel closes [0, 10 s).
        harness.kernels.pipeInput("ref", kernel(T0 + 16 * S, T0 + 16 * S, T0 + 16 * S + 1).setNodeId("ref").build());
        for (int second = 1; second <= 125; second += 2) {
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, 80, 0.01));
            harness.serving.pipeInput("ref", serving("ref", T0 + second * S, 100, 0.01));
        }

        CohortComparison cc = results.readValuesToList().stream().filter(r -> r.getVariant().equals("cc"))
                .findFirst().orElseThrow();
        assertThat(cc.getComputeParityKernels()).isEqualTo(2);
        // Launch-weighted: (20 x 10.2 + 20 x 4) / (20 x 10 + 20 x 4) ms, each median within DDSketch's 1%.
        assertThat(cc.getComputeParity()).isCloseTo(14.2 / 14.0, within(0.02));
        List<ComputeParity> perKernel = harness.output(Topics.COMPUTE_PARITY, ComputeParity.class)
                .readValuesToList();
        assertThat(perKernel).extracting(ComputeParity::getKernel)
                .containsExactly("gemm|grid 1,1,1|block 128,1,1", "graph 7");
        assertThat(perKernel.get(0).getParity()).isCloseTo(1.02, within(0.02));
        assertThat(perKernel.get(0).getLaunches()).isEqualTo(20);
    }

    @Test
    void shouldSendSamplesOfANodeWithoutFactsToTheDeadLetterTopic() {
        harness.serving.pipeInput("stranger", serving("stranger", T0 + S, 10, 0.01));

        List<DeadLetter> letters = harness.output(Topics.DLQ, DeadLetter.class).readValuesToList();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.getStage()).isEqualTo("enrichment");
            assertThat(letter.getReason()).contains("no NodeInfo for node 'stranger'");
        });
    }

    @Test
    void shouldTakeTheSmallCrossingSlowdownFromTheMedianOfAllSmallCrossingsNotOfWindowMedians() {
        harness.nodes.pipeInput("ref", node("ref", CcMode.OFF));
        harness.nodes.pipeInput("cc", node("cc", CcMode.ON));
        // cc: three 300 us copies in its first node window, one 900 us copy in its second; the reference: 10 us.
        // The median of its four small crossings is 300 us (30x); a median of the two window medians would be 600.
        long[][] ccCopies = {{S, 300}, {2 * S, 300}, {3 * S, 300}, {11 * S, 900}};
        for (long[] copy : ccCopies) {
            harness.crossings.pipeInput("cc", smallCopy("cc", T0 + copy[0], copy[1] * US));
        }
        harness.crossings.pipeInput("ref", smallCopy("ref", T0 + S, 10 * US));
        harness.advanceStreamTimeTo(T0 + 30 * S); // closes the node windows (another node's copy)
        closeFirstCohortWindow("cc");

        CohortComparison cc = results.readValuesToList().stream().filter(r -> r.getVariant().equals("cc"))
                .findFirst().orElseThrow();
        assertThat(cc.getSmallCrossingCostP50S()).containsOnlyKeys("H2D|PINNED");
        assertThat(cc.getSmallCrossingSlowdown().get("H2D|PINNED")).isCloseTo(30, within(30 * 0.02));
    }

    @Test
    void shouldWaitForANodesWindowResultsWhenItsServingSamplesRunAhead() {
        TestOutputTopic<String, DeadLetter> deadLetters = closingPerNodeWithAReferenceAndACcNode();
        for (long at : new long[] {S, 16 * S}) { // closes each node's first node window
            harness.crossings.pipeInput("cc", smallCopy("cc", T0 + at, 300 * US));
            harness.crossings.pipeInput("ref", smallCopy("ref", T0 + at, 10 * US));
        }
        // Both nodes' serving samples run three minutes ahead of their crossings (after an outage, say).
        for (int second = 1; second <= 180; second++) {
            harness.serving.pipeInput("ref", serving("ref", T0 + second * S, 100, 0.010));
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, 80, 0.0125));
        }
        assertThat(results.readValuesToList()).as("the first cohort window waits for the node windows").isEmpty();
        for (long second = 26; second <= 146; second += 10) { // then their crossings come
            harness.crossings.pipeInput("cc", smallCopy("cc", T0 + second * S, 300 * US));
            harness.crossings.pipeInput("ref", smallCopy("ref", T0 + second * S, 10 * US));
        }

        CohortComparison cc = results.readValuesToList().stream()
                .filter(r -> r.getWindowStartNs() == T0 && r.getVariant().equals("cc")).findFirst().orElseThrow();
        assertThat(cc.getSmallCrossingSlowdown().get("H2D|PINNED")).isCloseTo(30, within(30 * 0.02));
        assertThat(deadLetters.readValuesToList()).as("nothing late").noneMatch(d -> d.getStage().equals("late"));
    }

    /**
     * Restarts the harness closing windows per node (5 min silence), with the facts of a reference node 'ref' and a
     * CC node 'cc'; returns the dead letters.
     */
    private TestOutputTopic<String, DeadLetter> closingPerNodeWithAReferenceAndACcNode() {
        harness.close();
        harness = TopologyHarness.closingPerNode(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5))
                .withNodeSilence(Duration.ofMinutes(5)));
        results = harness.output(Topics.MITIGATION, CohortComparison.class);
        harness.nodes.pipeInput("ref", node("ref", CcMode.OFF));
        harness.nodes.pipeInput("cc", node("cc", CcMode.ON));
        return harness.output(Topics.DLQ, DeadLetter.class);
    }

    /** A pinned async H2D copy of 4 KiB whose GPU part takes {@code costNs} from its call. */
    private static io.bridgewatch.schema.Crossing smallCopy(String node, long atNs, long costNs) {
        return TestEvents.copy(atNs, atNs + 5 * US, atNs, atNs + costNs, 4096).setNodeId(node).build();
    }

    @Test
    void shouldLoseNothingOfACohortNodeThatFallsBehindAnotherOfItsCohort() {
        TestOutputTopic<String, DeadLetter> deadLetters = closingPerNodeWithAReferenceAndACcNode();
        harness.serving.pipeInput("cc", serving("cc", T0 + S, 80, 0.0125));
        // The reference node resends three minutes of its spool first (after an outage, say): two minutes past the
        // first cohort window's close, which waits for cc.
        for (int second = 1; second <= 180; second++) {
            harness.serving.pipeInput("ref", serving("ref", T0 + second * S, 100, 0.010));
        }
        assertThat(results.readValuesToList()).as("the first cohort window waits for cc").isEmpty();
        for (int second = 2; second <= 50; second++) {
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, 80, 0.0125));
        }
        closeFirstCohortWindow("cc");

        List<CohortComparison> first = results.readValuesToList().stream()
                .filter(row -> row.getWindowStartNs() == T0).toList();
        assertThat(first).extracting(CohortComparison::getVariant).containsExactlyInAnyOrder("reference", "cc");
        assertThat(first).filteredOn(row -> row.getVariant().equals("cc")).singleElement().satisfies(cc -> {
            assertThat(cc.getTokensPerS()).isCloseTo(80, within(1e-9));
            assertThat(cc.getThroughputGap()).as("against ref's 60 s").isCloseTo(0.20, within(1e-9));
        });
        assertThat(deadLetters.readValuesToList()).as("nothing late").noneMatch(d -> d.getStage().equals("late"));
    }

    /**
     * A reference node, a CC node and a CC node with a drain thread serve for 50 s at the given tokens per second,
     * with inter-token latencies of 10 ms, 12.5 ms and 10.5 ms; then the first cohort window closes.
     */
    private void serveFiftySeconds(long referenceTokens, long ccTokens, long drainTokens) {
        harness.nodes.pipeInput("ref", node("ref", CcMode.OFF));
        harness.nodes.pipeInput("cc", node("cc", CcMode.ON));
        harness.nodes.pipeInput("drain", node("drain", CcMode.ON, "drain-thread"));
        for (int second = 1; second <= 50; second++) {
            harness.serving.pipeInput("ref", serving("ref", T0 + second * S, referenceTokens, 0.010));
            harness.serving.pipeInput("cc", serving("cc", T0 + second * S, ccTokens, 0.0125));
            harness.serving.pipeInput("drain", serving("drain", T0 + second * S, drainTokens, 0.0105));
        }
        closeFirstCohortWindow("cc");
    }

    /** A sample of a known node at 125 s moves the cohort's stream time past 60 s + 60 s grace. */
    private void closeFirstCohortWindow(String knownNode) {
        harness.serving.pipeInput(knownNode, serving(knownNode, T0 + 125 * S, 100, 0.010));
    }
}
