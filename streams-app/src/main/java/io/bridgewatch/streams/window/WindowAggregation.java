package io.bridgewatch.streams.window;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** How one metric folds a node's events into a window's state, and what a closed window reports. */
public interface WindowAggregation<V, S, R> {
    S empty();

    /** Folds the event into the state (which it may change in place) and returns the state. */
    S add(V event, S state);

    List<R> results(String node, long windowStartNs, long windowEndNs, S state);

    /**
     * What an open window reports as a provisional figure (it must leave the state as it is); none by default. See
     * {@link NodeTimeWindowProcessor}'s provisional interval.
     */
    default List<R> provisional(String node, long windowStartNs, long windowEndNs, S state) {
        return List.of();
    }

    /** What a closed window reports. */
    @FunctionalInterface
    interface Results<S, R> {
        List<R> of(String node, long windowStartNs, long windowEndNs, S state);
    }

    /** An aggregation from its three functions (no provisional figures). */
    static <V, S, R> WindowAggregation<V, S, R> of(Supplier<S> empty, BiFunction<V, S, S> add,
            Results<S, R> results) {
        return of(empty, add, results, (node, windowStartNs, windowEndNs, state) -> List.of());
    }

    /** An aggregation from its functions, with what an open window reports as provisional figures. */
    static <V, S, R> WindowAggregation<V, S, R> of(Supplier<S> empty, BiFunction<V, S, S> add,
            Results<S, R> results, Results<S, R> provisional) {
        return new WindowAggregation<>() {
            @Override
            public S empty() {
                return empty.get();
            }

            @Override
            public S add(V event, S state) {
                return add.apply(event, state);
            }

            @Override
            public List<R> results(String node, long windowStartNs, long windowEndNs, S state) {
                return results.of(node, windowStartNs, windowEndNs, state);
            }

            @Override
            public List<R> provisional(String node, long windowStartNs, long windowEndNs, S state) {
                return provisional.of(node, windowStartNs, windowEndNs, state);
            }
        };
    }
}
