package io.bridgewatch.simulator;

import java.util.ArrayList;
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

    /** This fleet's nodes {@code copies} times over, each further copy's ids suffixed with its number. */
    public Scenario timesOver(int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be at least 1, got " + copies);
        }
        List<NodeSpec> copied = new ArrayList<>();
        for (int k = 0; k < copies; k++) {
            for (NodeSpec n : nodes) {
                copied.add(new NodeSpec(k == 0 ? n.id() : n.id() + "-" + k, n.ccMode(), n.concurrency(),
                        n.mitigations(), n.driverVersion(), n.engineVersion(), n.labels(), n.tollChange()));
            }
        }
        return new Scenario(seed, defaults, bridge, copied);
    }
}
