package io.bridgewatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** Renaming a processor or store changes changelog topics and query names: it must be a reviewed change. */
class TopologyNamingTest {

    @Test
    void shouldKeepEveryNodeAndStoreNameStable() {
        TopologyDescription description = BridgeTopology.build(TopologyConfig.DEFAULTS).describe();
        Set<String> nodes = new TreeSet<>();
        Set<String> stores = new TreeSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            nodes.add(node.name());
            if (node instanceof TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            }
        }));
        assertThat(nodes).containsExactlyInAnyOrder("kernels-source", "kernel-stream-tails", "crossings-source",
                "crossing-cost", "bridge-cost-aggregate", "bridge-cost-final", "bridge-cost-closed",
                "bridge-cost-results", "bridge-cost-sink");
        assertThat(stores).containsExactlyInAnyOrder(StoreNames.STREAM_TAILS, StoreNames.BRIDGE_COST_WINDOWS,
                "bridge-cost-final-store");
        assertThat(description.subtopologies()).as("no repartitioning: node id is the key throughout").hasSize(1);
    }
}
