package io.bridgewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeEventBatcherTest {
    private final List<NodeEventBatcher.Batch> sent = new ArrayList<>();

    @Test
    void shouldSendABatchWhenItHoldsTheMostEventsAndKeepTheirTokensInOrder() {
        NodeEventBatcher batcher = new NodeEventBatcher(new CollectorConfig.Batching(3, 1024, Duration.ZERO));
        for (long token = 1; token <= 7; token++) {
            batcher.offer("n1", new byte[] {(byte) token}, token, sent::add);
        }

        assertThat(sent).extracting(b -> b.tokens().length).containsExactly(3, 3);
        assertThat(sent.get(1).tokens()).containsExactly(4, 5, 6);
        assertThat(batcher.drain().tokens()).containsExactly(7);
        NodeEventBatch first = BridgewatchSerdes.of(NodeEventBatch.class).deserialize(Topics.NODE_EVENTS,
                sent.get(0).record().value());
        assertThat(sent.get(0).record().topic()).isEqualTo(Topics.NODE_EVENTS);
        assertThat(sent.get(0).record().key()).isEqualTo("n1");
        assertThat(first.getEvents()).hasSize(3);
    }

    @Test
    void shouldStartANewBatchForAnotherNodeOrAnEventThatDoesNotFit() {
        NodeEventBatcher batcher = new NodeEventBatcher(new CollectorConfig.Batching(100, 1024, Duration.ZERO));
        batcher.offer("n1", new byte[10], 1, sent::add);
        batcher.offer("n2", new byte[10], 2, sent::add);
        assertThat(sent).singleElement().satisfies(b -> assertThat(b.record().key()).isEqualTo("n1"));

        batcher.offer("n2", new byte[1500], 3, sent::add);
        assertThat(sent).hasSize(3).as("the big event alone, sent as it fills its own batch")
                .extracting(b -> b.tokens()[b.tokens().length - 1]).containsExactly(1L, 2L, 3L);
        assertThat(batcher.isEmpty()).isTrue();
    }

    @Test
    void shouldBeDueOnlyOnceItsFirstEventWaitedTheLinger() throws InterruptedException {
        NodeEventBatcher batcher = new NodeEventBatcher(new CollectorConfig.Batching(100, 1024,
                Duration.ofMillis(50)));
        assertThat(batcher.isDue(System.nanoTime())).isFalse();
        batcher.offer("n1", new byte[10], 1, sent::add);
        assertThat(batcher.isDue(System.nanoTime())).isFalse();
        assertThat(batcher.isDue(System.nanoTime() + Duration.ofMillis(60).toNanos())).isTrue();
    }
}
