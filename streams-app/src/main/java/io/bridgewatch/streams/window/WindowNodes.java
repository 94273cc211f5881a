package io.bridgewatch.streams.window;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What feeds a window: the event time of each feeder closes it. A node window is fed by its key, the node, or by
 * each of its node's inputs where it merges several (copies and kernels): one input may run ahead of the other when
 * their partitions come back unevenly after an outage, and the window must wait for the one behind. A cohort window
 * is fed by every input of every node of the cohort, named in its records and in the states they were folded into.
 */
public interface WindowNodes<V, S> {
    /** The node a record for the window key {@code key} comes from. */
    String ofRecord(String key, V record);

    /** The nodes whose records a window state holds (to know them again after a restart). */
    Collection<String> ofState(String key, S state);

    /**
     * Windows keyed by node that merge several inputs of it: one feeder per (node, input). The feeder names are
     * made once per node and input (a record's is looked up, not built): use one instance per processor.
     */
    static <V, S> WindowNodes<V, S> keyAndInput(Function<V, String> inputOf, List<String> inputs) {
        Map<String, Map<String, String>> namesByInput = new HashMap<>();
        return new WindowNodes<>() {
            /** Per input (as listed), the latest key and its feeder: a batch's events are one node's. */
            private final String[] latestKeys = new String[inputs.size()];
            private final String[] latestFeeders = new String[inputs.size()];

            @Override
            public String ofRecord(String key, V record) {
                String input = inputOf.apply(record);
                int index = inputs.indexOf(input);
                if (index >= 0 && key.equals(latestKeys[index])) {
                    return latestFeeders[index];
                }
                String feeder = namesByInput.computeIfAbsent(input, i -> new HashMap<>())
                        .computeIfAbsent(key, k -> k + "|" + input);
                if (index >= 0) {
                    latestKeys[index] = key;
                    latestFeeders[index] = feeder;
                }
                return feeder;
            }

            @Override
            public Collection<String> ofState(String key, S state) {
                return inputs.stream().map(input -> key + "|" + input).toList();
            }
        };
    }

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
