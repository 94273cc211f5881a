package io.bridgewatch.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.streams.StateDurability;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A node window closes once, with what its (restored) state holds, also when its processor starts over; by its
 * node's own event time, or by the partition's a silence later. A window fed by several nodes (a cohort's) closes
 * once each has passed it, and a node gone silent holds none open.
 */
class NodeTimeWindowProcessorTest {
    private static final String STORE = "counts";
    /** 10 s windows, 5 s grace, 60 s silence. */
    private static final WindowClose CLOSE = new WindowClose(10_000, 5_000, 60_000);
    private static final WindowAggregation<Long, Long, Long> COUNT = WindowAggregation.of(() -> 0L,
            (event, count) -> count + 1, (node, startNs, endNs, count) -> List.of(count));

    @Test
    void shouldEmitAWindowAgainWhenInitializedAgainAfterItsStateWasRolledBack() {
        NodeTimeWindowProcessor<Long, Long, Long> processor = new NodeTimeWindowProcessor<>(STORE, COUNT, CLOSE);
        MockProcessorContext<String, Long> first = contextWithEmptyStore();
        processor.init(first);
        processor.process(new Record<>("n1", 1L, 51_000));
        processor.process(new Record<>("n1", 1L, 66_000));
        assertThat(first.forwarded()).as("[50 s, 60 s) closed at 65 s").hasSize(1);

        // The transaction with that result was aborted: Kafka Streams revives the task with the state of the last
        // commit (nothing of [50 s, 60 s) yet), initializes the same processor again, and replays the input.
        MockProcessorContext<String, Long> revived = contextWithEmptyStore();
        processor.init(revived);
        processor.process(new Record<>("n1", 1L, 51_000));
        processor.process(new Record<>("n1", 1L, 55_000));
        assertThat(revived.forwarded()).as("not closed on the stream time before the abort").isEmpty();
        processor.process(new Record<>("n1", 1L, 66_000));

        assertThat(revived.forwarded()).singleElement()
                .satisfies(f -> assertThat(f.record().value()).isEqualTo(2L));
    }

    @Test
    void shouldCloseAWindowRestoredFromTheStore() {
        MockProcessorContext<String, Long> context = contextWithEmptyStore();
        ObjectCacheStore<Long> store = context.getStateStore(STORE);
        store.put("00000000000000050000|n1", 3L);
        NodeTimeWindowProcessor<Long, Long, Long> processor = new NodeTimeWindowProcessor<>(STORE, COUNT, CLOSE);
        processor.init(context);
        processor.process(new Record<>("n1", 1L, 58_000));
        processor.process(new Record<>("n1", 1L, 70_000));

        assertThat(context.forwarded()).first().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo("n1");
            assertThat(f.record().value()).isEqualTo(4L);
        });
    }

    @Test
    void shouldKeepANodesWindowOpenWhileAnotherNodeOfItsPartitionIsAhead() {
        MockProcessorContext<String, Long> context = contextWithEmptyStore();
        NodeTimeWindowProcessor<Long, Long, Long> processor = new NodeTimeWindowProcessor<>(STORE, COUNT, CLOSE);
        processor.init(context);
        processor.process(new Record<>("n1", 1L, 51_000));
        // n2 resends its spool faster: 50 s ahead of n1, within the silence.
        for (long t = 52_000; t <= 110_000; t += 1_000) {
            processor.process(new Record<>("n2", 1L, t));
        }
        processor.process(new Record<>("n1", 1L, 59_000));
        assertThat(context.forwarded()).allSatisfy(f -> assertThat(f.record().key()).isEqualTo("n2"));
        processor.process(new Record<>("n1", 1L, 65_000));

        assertThat(context.forwarded()).filteredOn(f -> f.record().key().equals("n1")).first()
                .satisfies(f -> assertThat(f.record().value()).as("n1's [50 s, 60 s)").isEqualTo(2L));
    }

    @Test
    void shouldCloseTheWindowOfASilentNodeOnceItsPartitionIsASilenceFurther() {
        MockProcessorContext<String, Long> context = contextWithEmptyStore();
        NodeTimeWindowProcessor<Long, Long, Long> processor = new NodeTimeWindowProcessor<>(STORE, COUNT, CLOSE);
        processor.init(context);
        processor.process(new Record<>("n1", 1L, 51_000));
        processor.process(new Record<>("n2", 1L, 124_999));
        assertThat(context.forwarded()).noneSatisfy(f -> assertThat(f.record().key()).isEqualTo("n1"));
        processor.process(new Record<>("n2", 1L, 125_000));
        assertThat(context.forwarded()).filteredOn(f -> f.record().key().equals("n1")).singleElement()
                .satisfies(f -> assertThat(f.record().value()).isEqualTo(1L));

        processor.process(new Record<>("n1", 1L, 52_000));
        assertThat(context.forwarded()).as("closed: late, not a second result")
                .filteredOn(f -> f.record().key().equals("n1")).hasSize(1);
    }

    @Test
    void shouldKeepACohortWindowOpenUntilEachOfItsNodesHasPassedIt() {
        MockProcessorContext<String, Long> context = contextWithEmptyStore();
        NodeTimeWindowProcessor<NodeCount, Long, Long> processor = cohortProcessor();
        processor.init(context);
        processor.process(new Record<>("c", new NodeCount("a"), 51_000));
        processor.process(new Record<>("c", new NodeCount("b"), 52_000));
        // a resends its spool faster: 50 s ahead of b, within the silence.
        for (long t = 53_000; t <= 110_000; t += 1_000) {
            processor.process(new Record<>("c", new NodeCount("a"), t));
        }
        processor.process(new Record<>("c", new NodeCount("b"), 59_000));
        assertThat(context.forwarded()).as("[50 s, 60 s) waits for b").isEmpty();
        processor.process(new Record<>("c", new NodeCount("b"), 65_000));

        assertThat(context.forwarded()).first()
                .satisfies(f -> assertThat(f.record().value()).as("all of [50 s, 60 s)").isEqualTo(10L));
    }

    @Test
    void shouldNotLetANodeGoneSilentHoldItsCohortsWindowsOpen() {
        MockProcessorContext<String, Long> context = contextWithEmptyStore();
        NodeTimeWindowProcessor<NodeCount, Long, Long> processor = cohortProcessor();
        processor.init(context);
        processor.process(new Record<>("c", new NodeCount("b"), 51_000));
        for (long t = 51_000; t < 125_000; t += 1_000) {
            processor.process(new Record<>("c", new NodeCount("a"), t));
        }
        assertThat(context.forwarded()).as("b holds [50 s, 60 s) until the silence past its close").isEmpty();
        processor.process(new Record<>("c", new NodeCount("a"), 125_000));
        // b, silent since 51 s, holds nothing any more: a's own time closes the windows up to [110 s, 120 s).
        assertThat(context.forwarded()).as("[50 s, 60 s) to [110 s, 120 s)").hasSize(7);
        processor.process(new Record<>("c", new NodeCount("a"), 135_000));
        assertThat(context.forwarded()).as("[120 s, 130 s) closed at 135 s by a alone").hasSize(8);
    }

    @Test
    void shouldDropARecordForAClosedWindowEvenFromANodeNewToItsKey() {
        MockProcessorContext<String, Long> context = contextWithEmptyStore();
        NodeTimeWindowProcessor<NodeCount, Long, Long> processor = cohortProcessor();
        processor.init(context);
        processor.process(new Record<>("c", new NodeCount("a"), 51_000));
        processor.process(new Record<>("c", new NodeCount("a"), 66_000));
        assertThat(context.forwarded()).hasSize(1);

        processor.process(new Record<>("c", new NodeCount("new"), 55_000));
        processor.process(new Record<>("c", new NodeCount("new"), 200_000));
        assertThat(context.forwarded()).as("[50 s, 60 s) is not emitted twice").hasSize(2)
                .extracting(f -> f.record().timestamp()).containsExactly(59_999L, 69_999L);
    }

    /** A record of a window fed by several nodes: which node sent it. */
    private record NodeCount(String node) {
    }

    private static NodeTimeWindowProcessor<NodeCount, Long, Long> cohortProcessor() {
        WindowAggregation<NodeCount, Long, Long> count = WindowAggregation.of(() -> 0L,
                (event, n) -> n + 1, (key, startNs, endNs, n) -> List.of(n));
        WindowNodes<NodeCount, Long> nodes = new WindowNodes<>() {
            @Override
            public String ofRecord(String key, NodeCount record) {
                return record.node();
            }

            @Override
            public Collection<String> ofState(String key, Long state) {
                return List.of(); // a count cannot say who fed it: not restarted in these tests
            }
        };
        return new NodeTimeWindowProcessor<>(STORE, count, nodes, CLOSE);
    }

    private static MockProcessorContext<String, Long> contextWithEmptyStore() {
        MockProcessorContext<String, Long> context = new MockProcessorContext<>();
        ObjectCacheStore<Long> store = new ObjectCacheStoreBuilder<>(STORE, Serdes.Long(),
                StateDurability.PROCESS_MEMORY).build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return context;
    }
}
