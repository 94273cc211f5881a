package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Node event batches: their events are processed one by one in batch order, as if piped in that order. */
class NodeEventBatchTopologyTest {
    private static final TopologyConfig CONFIG = new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5));
    /** A kernel on stream 7 until 1000 us, and a copy issued at 500 us that waits for it: cost 20 us. */
    private static final KernelExec KERNEL = kernel(T0 + 100 * US, T0 + 200 * US, T0 + 1000 * US).build();
    private static final Crossing COPY = copy(T0 + 500 * US, T0 + 505 * US, T0 + 1000 * US, T0 + 1020 * US, 4096)
            .build();

    @Test
    void shouldChargeACopyFromTheKernelBeforeItWhateverTheInputsLag() {
        // Per-event topics: when the kernels' partition lags, the copy is processed first and charged its wait.
        double laggingKernels = costOf(harness -> {
            harness.crossings.pipeInput("n1", COPY);
            harness.kernels.pipeInput("n1", KERNEL);
        });
        // One batch carries both in host order: the kernel is always processed first.
        double batched = costOf(harness -> harness.nodeEvents.pipeInput("n1", batch(KERNEL, COPY)));

        assertThat(laggingKernels).as("the per-event order problem this guards against")
                .isCloseTo(515e-6, within(515e-6 * 0.02));
        assertThat(batched).isCloseTo(20e-6, within(20e-6 * 0.02));
    }

    @Test
    void shouldGiveTheResultsOfTheSameEventsPipedOneByOne() {
        List<SpecificRecord> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long a = T0 + i * 40 * MS;
            events.add(kernel(a, a + 100 * US, a + 3 * MS).setCorrelationId(2L * i).build());
            events.add(copy(a + 1 * MS, a + 1 * MS + 5 * US, a + 3 * MS, a + 3 * MS + 40 * US, 4096L << (i % 8))
                    .setCorrelationId(2L * i + 1).build());
        }
        List<Object> oneByOne = results(harness -> {
            for (SpecificRecord event : events) {
                if (event instanceof Crossing c) {
                    harness.crossings.pipeInput("n1", c);
                } else {
                    harness.kernels.pipeInput("n1", (KernelExec) event);
                }
            }
        });
        List<Object> inBatches = results(harness -> {
            for (int from = 0; from < events.size(); from += 37) {
                harness.nodeEvents.pipeInput("n1", batch(events.subList(from, Math.min(events.size(), from + 37))
                        .toArray(SpecificRecord[]::new)));
            }
        });

        assertThat(oneByOne).hasSizeGreaterThan(2);
        assertThat(inBatches).isEqualTo(oneByOne);
    }

    @Test
    void shouldDeadLetterAnUnreadableEventAndProcessTheRestOfItsBatch() {
        byte[] unknown = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 42};
        try (TopologyHarness harness = new TopologyHarness(CONFIG)) {
            var deadLetters = harness.output(Topics.DLQ, DeadLetter.class);
            var costs = harness.output(Topics.BRIDGE_COST, BridgeCostWindow.class);
            harness.nodeEvents.pipeInput("n1", NodeEventCodec.batch("n1", List.of(NodeEventCodec.encode(KERNEL),
                    unknown, NodeEventCodec.encode(COPY))));
            harness.advanceStreamTimeTo(T0 + 16 * S);

            DeadLetter letter = deadLetters.readValue();
            assertThat(letter.getSourceTopic()).isEqualTo(Topics.NODE_EVENTS);
            assertThat(letter.getStage()).isEqualTo("deserialization");
            assertThat(letter.getReason()).startsWith("event 2 of 3 of a node event batch");
            assertThat(NodeEventCodec.bytes(letter.getValue())).isEqualTo(unknown);
            assertThat(deadLetters.readValuesToList()).as("nothing else dead-lettered but the unknown node's cohort inputs")
                    .allMatch(other -> other.getStage().equals("enrichment"));
            assertThat(costs.readValuesToList()).filteredOn(w -> w.getNodeId().equals("n1")).singleElement()
                    .satisfies(w -> assertThat(w.getCostP50S()).isCloseTo(20e-6, within(20e-6 * 0.02)));
        }
    }

    private static NodeEventBatch batch(SpecificRecord... events) {
        List<byte[]> encoded = new ArrayList<>();
        for (SpecificRecord event : events) {
            encoded.add(NodeEventCodec.encode(event));
        }
        return NodeEventCodec.batch("n1", encoded);
    }

    private static double costOf(java.util.function.Consumer<TopologyHarness> input) {
        List<Object> results = results(input);
        return results.stream().filter(r -> r instanceof BridgeCostWindow w && w.getNodeId().equals("n1"))
                .map(r -> ((BridgeCostWindow) r).getCostP50S()).findFirst().orElseThrow();
    }

    /** Every result of the node's windows (cost, concurrency, phases) after its first windows closed. */
    private static List<Object> results(java.util.function.Consumer<TopologyHarness> input) {
        try (TopologyHarness harness = new TopologyHarness(CONFIG)) {
            var costs = harness.output(Topics.BRIDGE_COST, BridgeCostWindow.class);
            var concurrency = harness.output(Topics.CONCURRENCY, io.bridgewatch.schema.ConcurrencyWindow.class);
            input.accept(harness);
            harness.advanceStreamTimeTo(T0 + 30 * S);
            List<Object> results = new ArrayList<>();
            costs.readValuesToList().stream().filter(w -> w.getNodeId().equals("n1")).forEach(results::add);
            concurrency.readValuesToList().stream().filter(w -> w.getNodeId().equals("n1")).forEach(results::add);
            return results;
        }
    }
}
