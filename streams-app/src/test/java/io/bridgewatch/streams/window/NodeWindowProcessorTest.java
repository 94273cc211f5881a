package io.bridgewatch.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.streams.StateDurability;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A node window closes once, with what its (restored) state holds, also when its processor starts over; by its
 * node's own event time, or by the partition's a silence later.
 */
class NodeWindowProcessorTest {
    private static final String STORE = "counts";
    /** 10 s windows, 5 s grace, 60 s silence. */
    private static final WindowClose CLOSE = new WindowClose(10_000, 5_000, 60_000);
    private static final NodeWindowAggregation<Long, Long, Long> COUNT = NodeWindowAggregation.of(() -> 0L,
            (event, count) -> count + 1, (node, startNs, endNs, count) -> List.of(count));

    @Test
    void shouldEmitAWindowAgainWhenInitializedAgainAfterItsStateWasRolledBack() {
        NodeWindowProcessor<Long, Long, Long> processor = new NodeWindowProcessor<>(STORE, COUNT, CLOSE);
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
        NodeWindowProcessor<Long, Long, Long> processor = new NodeWindowProcessor<>(STORE, COUNT, CLOSE);
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
        NodeWindowProcessor<Long, Long, Long> processor = new NodeWindowProcessor<>(STORE, COUNT, CLOSE);
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
        NodeWindowProcessor<Long, Long, Long> processor = new NodeWindowProcessor<>(STORE, COUNT, CLOSE);
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

    private static MockProcessorContext<String, Long> contextWithEmptyStore() {
        MockProcessorContext<String, Long> context = new MockProcessorContext<>();
        ObjectCacheStore<Long> store = new ObjectCacheStoreBuilder<>(STORE, Serdes.Long(),
                StateDurability.PROCESS_MEMORY).build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return context;
    }
}
