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
        assertThat(nodes).containsExactlyInAnyOrder(
                "kernels-source", "kernels-late-gate", "kernels-late", "kernels-late-letters", "kernels-late-sink",
                "kernels-on-time", "kernels-on-time-values", "kernel-stream-tails", "kernel-intervals",
                "crossings-source", "crossings-late-gate", "crossings-late", "crossings-late-letters",
                "crossings-late-sink", "crossings-on-time", "crossings-on-time-values",
                "crossing-cost", "bridge-cost-aggregate", "bridge-cost-final", "bridge-cost-closed",
                "bridge-cost-results", "bridge-cost-sink",
                "copy-intervals", "intervals", "concurrency-aggregate", "concurrency-final", "concurrency-closed",
                "concurrency-results", "concurrency-sink",
                "nodes-source", "node-facts", "serving-source", "serving-late-gate", "serving-late",
                "serving-late-letters", "serving-late-sink", "serving-on-time", "serving-on-time-values",
                "serving-samples", "bridge-cost-samples", "concurrency-samples", "cohort-samples-cost",
                "cohort-samples-concurrency", "cohort-samples", "cohort-enrich",
                "bridge-fit", "crossing-phase-events", "kernel-phase-events", "phase-events", "phase-occurrences",
                "phases-sink", "phase-samples", "cohort-samples-phases", "timed-kernels",
                "kernel-durations-aggregate", "kernel-durations-final",
                "kernel-durations-closed", "kernel-samples", "compute-parity-results", "compute-parity-sink", "cohort-unknown-node", "cohort-unknown-letters",
                "cohort-unknown-sink", "cohort-known-node", "cohort-key", "cohort-inputs-repartition-filter",
                "cohort-inputs-repartition-sink", "cohort-inputs-repartition-source", "cohort-aggregate",
                "cohort-final", "cohort-closed", "cohort-results", "mitigation-sink");
        assertThat(stores).containsExactlyInAnyOrder(StoreNames.STREAM_TAILS, StoreNames.BRIDGE_COST_WINDOWS,
                "bridge-cost-final-store", StoreNames.CONCURRENCY_WINDOWS, "concurrency-final-store",
                StoreNames.NODE_INFO, StoreNames.COHORT_WINDOWS, "cohort-final-store", StoreNames.HOST_TAILS,
                StoreNames.NODE_BRIDGE_FIT, StoreNames.PHASE_OCCURRENCES, StoreNames.KERNEL_WINDOWS,
                "kernel-durations-final-store");
        assertThat(description.subtopologies())
                .as("one repartition only: node results regrouped by cohort; node id is the key before it").hasSize(2);
    }
}
