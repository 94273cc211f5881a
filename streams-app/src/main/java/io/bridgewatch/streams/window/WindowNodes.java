package io.bridgewatch.streams.window;

import java.util.Collection;
import java.util.List;

/**
 * Which nodes feed a window: their event time closes it. A node window is fed by its key, the node; a cohort window
 * by every node of the cohort, named in its records and in the states they were folded into.
 */
public interface WindowNodes<V, S> {
    /** The node a record for the window key {@code key} comes from. */
    String ofRecord(String key, V record);

    /** The nodes whose records a window state holds (to know them again after a restart). */
    Collection<String> ofState(String key, S state);

    /** Windows keyed by node. */
    static <V, S> WindowNodes<V, S> key() {
        return new WindowNodes<>() {
            @Override
            public String ofRecord(String key, V record) {
                return key;
            }

            @Override
            public Collection<String> ofState(String key, S state) {
                return List.of(key);
            }
        };
    }
}
