package io.bridgewatch.simulator;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A simulated fleet: its seed, shared defaults, bridge parameters and nodes. */
public record Scenario(Long seed, NodeDefaults defaults, BridgeParameters bridge, List<NodeSpec> nodes) {
    public Scenario {
        seed = seed == null ? 1L : seed;
        defaults = defaults == null ? NodeDefaults.DEFAULTS : defaults;
        bridge = bridge == null ? BridgeParameters.DEFAULTS : bridge;
        if (nodes == null || nodes.isEmpty()) {
            throw new IllegalArgumentException("a scenario needs at least one node");
        }
        nodes = List.copyOf(nodes);
        Set<String> ids = new HashSet<>();
        for (NodeSpec node : nodes) {
            if (!ids.add(node.id())) {
                throw new IllegalArgumentException("node id '" + node.id() + "' is used twice");
            }
        }
    }
}
