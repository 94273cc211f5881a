package io.bridgewatch.streams.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.streams.internal.CostWindowState;
import io.bridgewatch.streams.internal.CostGroupState;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link BucketCounts} is, to whatever reads or writes it, the map a {@link java.util.HashMap} would be after the
 * same operations (bucket keys and others, zero counts, removals through its entries), histograms counted into it
 * and into a HashMap agree, and a window state holding it reads back from its serde as it was.
 */
class BucketCountsProperties {

    /** An operation on a key: 0 count a value, 1 put, 2 remove, 3 remove through the entries' iterator. */
    record Operation(int kind, String key, long value) {
    }

    @Property
    void actsAsAHashMap(@ForAll("operations") List<Operation> operations) {
        BucketCounts counts = new BucketCounts();
        Map<String, Long> model = new HashMap<>();
        for (Operation op : operations) {
            switch (op.kind()) {
                case 0 -> {
                    int bucket = LogHistogram.bucketIndexOf(op.value());
                    LogHistogram.addToBucket(counts, bucket);
                    LogHistogram.addToBucket(model, bucket);
                }
                case 1 -> assertThat(counts.put(op.key(), op.value())).isEqualTo(model.put(op.key(), op.value()));
                case 2 -> assertThat(counts.remove(op.key())).isEqualTo(model.remove(op.key()));
                default -> {
                    for (Iterator<Map.Entry<String, Long>> it = counts.entrySet().iterator(); it.hasNext(); ) {
                        if (it.next().getKey().equals(op.key())) {
                            it.remove();
                        }
                    }
                    model.remove(op.key());
                }
            }
            assertThat(counts.get(op.key())).isEqualTo(model.get(op.key()));
            assertThat(counts.containsKey(op.key())).isEqualTo(model.containsKey(op.key()));
        }
        assertThat(counts).isEqualTo(model).hasSize(model.size());
        assertThat(model).isEqualTo(counts);
        assertThat(counts.hashCode()).isEqualTo(model.hashCode());
        if (model.keySet().stream().allMatch(key -> key.matches("0|[1-9][0-9]{0,8}"))
                && model.values().stream().allMatch(count -> count > 0)) { // a histogram's keys and counts
            assertThat(LogHistogram.quantile(counts, 0.5)).isEqualTo(LogHistogram.quantile(model, 0.5));
        }
    }

    @Property
    void readsBackFromTheStateSerde(@ForAll("operations") List<Operation> operations) {
        BucketCounts counts = new BucketCounts();
        operations.forEach(op -> {
            if (op.kind() == 0) {
                LogHistogram.add(counts, op.value());
            } else if (op.kind() == 1) {
                counts.put(op.key(), op.value());
            }
        });
        CostGroupState group = new CostGroupState(0, "H2D", "PINNED", "GPU", 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L,
                counts, new BucketCounts(), 0L, 0L, new HashMap<>(), 0L);
        CostWindowState state = new CostWindowState(new HashMap<>(Map.of("0|H2D|PINNED|GPU", group)));
        SingleObjectSerde<CostWindowState> serde = BridgewatchSerdes.of(CostWindowState.class);

        CostWindowState read = serde.deserialize("t", serde.serialize("t", state));

        assertThat(read).isEqualTo(state);
        assertThat(read.getGroups().get("0|H2D|PINNED|GPU").getCostCounts()).isEqualTo(new HashMap<>(counts));
    }

    @Provide
    Arbitrary<List<Operation>> operations() {
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.integers().between(0, 3_000).map(String::valueOf),
                Arbitraries.of("", "007", "-1", "x", "2147483648", "12a"));
        return Combinators.combine(Arbitraries.integers().between(0, 3), keys,
                        Arbitraries.longs().between(0, 4_000_000_000L))
                .as(Operation::new).list().ofMaxSize(200);
    }
}
