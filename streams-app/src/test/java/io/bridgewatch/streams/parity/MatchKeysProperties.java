package io.bridgewatch.streams.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.KernelExec;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The remembered match keys are the ones {@link KernelDurationAggregator#matchKey} builds, launch after launch of
 * one reused record (as the topology reads kernels), with more distinct kernels than it remembers, names that share
 * prefixes, equal dimensions under other names and graph launches.
 */
class MatchKeysProperties {
    record Launch(String name, int gridX, int blockX, Long graph, int dims) {
    }

    @Property
    void remembersWhatMatchKeyBuilds(@ForAll("launches") List<Launch> launches) {
        MatchKeys keys = new MatchKeys();
        KernelExec reused = new KernelExec();
        reused.setGrid(new ArrayList<>());
        reused.setBlock(new ArrayList<>());
        for (Launch launch : launches) {
            reused.setKernelName(launch.name());
            reused.setGraphId(launch.graph());
            fill(reused.getGrid(), launch.gridX(), launch.dims());
            fill(reused.getBlock(), launch.blockX(), launch.dims());
            assertThat(keys.of(reused)).isEqualTo(KernelDurationAggregator.matchKey(reused));
        }
    }

    private static void fill(List<Integer> dims, int x, int count) {
        dims.clear();
        dims.add(x);
        for (int i = 1; i < count; i++) {
            dims.add(1);
        }
    }

    @Provide
    Arbitrary<List<Launch>> launches() {
        Arbitrary<String> names = Arbitraries.integers().between(0, 80)
                .map(i -> "void at::native::elementwise_kernel<128, 4>(int, " + i + ")");
        Arbitrary<Long> graphs = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.longs().between(0, 3).map(
                Long::valueOf));
        return Combinators.combine(names, Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3),
                        graphs, Arbitraries.integers().between(0, 3))
                .as(Launch::new).list().ofMaxSize(300);
    }
}
