package io.bridgewatch.streams.window;

import java.util.List;

/** How one metric folds a node's events into a window's state, and what a closed window reports. */
public interface NodeWindowAggregation<V, S, R> {
    S empty();

    /** Folds the event into the state (which it may change in place) and returns the state. */
    S add(V event, S state);

    List<R> results(String node, long windowStartNs, long windowEndNs, S state);
}
