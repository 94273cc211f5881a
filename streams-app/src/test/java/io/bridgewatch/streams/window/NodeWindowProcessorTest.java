package io.bridgewatch.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.streams.StateDurability;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** A node window closes once, with what its (restored) state holds, also when its processor starts over. */
class NodeWindowProcessorTest {
    private static final String STORE = "counts";
    private static final NodeWindowAggregation<Long, Long, Long> COUNT = NodeWindowAggregation.of(() -> 0L,
            (event, count) -> count + 1, (node, startNs, endNs, count) -> List.of(count));

    @Test
    void shouldEmitAWindowAgainWhenInitializedAgainAfterItsStateWasRolledBack() {
        NodeWindowProcessor<Long, Long, Long> processor = new NodeWindowProcessor<>(STORE, COUNT, 10_000, 5_000);
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
        NodeWindowProcessor<Long, Long, Long> processor = new NodeWindowProcessor<>(STORE, COUNT, 10_000, 5_000);
        processor.init(context);
        processor.process(new Record<>("n1", 1L, 58_000));
        processor.process(new Record<>("n2", 1L, 70_000));

        assertThat(context.forwarded()).first().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo("n1");
            assertThat(f.record().value()).isEqualTo(4L);
        });
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
