package io.bridgewatch.simulator;

import io.bridgewatch.schema.CcMode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One simulated node as the scenario file describes it; unset fields fall back to the scenario's defaults. */
public record NodeSpec(String id, CcMode ccMode, Integer concurrency, List<String> mitigations,
        String driverVersion, String engineVersion, Map<String, String> labels, TollChange tollChange) {

    public NodeSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("every node needs an id");
        }
        if (ccMode == null || ccMode == CcMode.UNKNOWN) {
            throw new IllegalArgumentException("node " + id + " needs cc_mode: ON, DEVTOOLS or OFF");
        }
        if (concurrency == null || concurrency < 1) {
            throw new IllegalArgumentException("node " + id + " needs concurrency >= 1");
        }
        mitigations = mitigations == null ? List.of() : List.copyOf(mitigations);
        for (String m : mitigations) {
            if (!Mitigations.ALL.contains(m)) {
                throw new IllegalArgumentException("node " + id + ": unknown mitigation '" + m + "' (known: "
                        + new TreeSet<>(Mitigations.ALL) + ")");
            }
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public boolean confidential() {
        return ccMode != CcMode.OFF;
    }

    public boolean has(String mitigation) {
        return mitigations.contains(mitigation);
    }

    public Set<String> mitigationSet() {
        return Set.copyOf(mitigations);
    }
}
