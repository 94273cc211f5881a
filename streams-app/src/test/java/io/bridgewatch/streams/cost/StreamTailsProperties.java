package io.bridgewatch.streams.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.streams.StateDurability;
import io.bridgewatch.streams.window.ObjectCacheStore;
import io.bridgewatch.streams.window.ObjectCacheStoreBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;

/**
 * {@link StreamTails} answers as a map of each stream's latest end would, with more streams in play than it
 * remembers, and what it stores is that map: a new instance over the same store (a task initialized again) starts
 * from it.
 */
class StreamTailsProperties {

    /** One call on one of a few nodes' streams: an advance to {@code endNs}, or a get when it is negative. */
    record Call(String node, int gpu, long context, long stream, long endNs) {
        String name() {
            return node + "/" + gpu + "/" + context + "/" + stream;
        }
    }

    @Property
    void tailsAreEachStreamsLatestEnd(@ForAll("calls") List<Call> calls) {
        ObjectCacheStore<Long> store = store();
        StreamTails tails = new StreamTails(store);
        Map<String, Long> model = new HashMap<>();
        for (Call call : calls) {
            if (call.endNs() < 0) {
                Long expected = model.get(call.name());
                assertThat(tails.get(call.node(), call.gpu(), call.context(), call.stream()))
                        .isEqualTo(expected == null ? CrossingCost.NONE : expected);
            } else {
                tails.advance(call.node(), call.gpu(), call.context(), call.stream(), call.endNs());
                model.merge(call.name(), call.endNs(), Math::max);
            }
        }
        StreamTails again = new StreamTails(store);
        for (Call call : calls) {
            Long expected = model.get(call.name());
            assertThat(again.get(call.node(), call.gpu(), call.context(), call.stream()))
                    .isEqualTo(expected == null ? CrossingCost.NONE : expected);
        }
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        return Combinators.combine(Arbitraries.of("a", "b", "c"), Arbitraries.integers().between(0, 1),
                        Arbitraries.longs().between(1, 2), Arbitraries.longs().between(0, 3),
                        Arbitraries.longs().between(-1_000, 1_000_000))
                .as(Call::new).list().ofMaxSize(300);
    }

    private static ObjectCacheStore<Long> store() {
        MockProcessorContext<String, Long> context = new MockProcessorContext<>();
        ObjectCacheStore<Long> store = new ObjectCacheStoreBuilder<>("tails", Serdes.Long(),
                StateDurability.PROCESS_MEMORY).build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
