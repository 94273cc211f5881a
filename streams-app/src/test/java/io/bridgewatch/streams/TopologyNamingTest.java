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
                // inputs: node event batches beside the per-event topics, every per-node stage in one processor
                // (4.1-4.3, 4.5, 4.6, late records), what it produces split by type
                "node-events-source", "kernels-source", "crossings-source", "serving-source", "kernels-merge",
                "crossings-merge", "serving-merge", "node-events",
                "node-dead-letters-produced", "node-dead-letters-produced-typed", "node-dead-letters-sink",
                "serving-produced", "serving-produced-typed",
                "nodes-source", "node-facts",
                // 4.1-4.2 cost and async revocation
                "bridge-cost-produced", "bridge-cost-produced-typed", "node-cost-view", "bridge-cost-sink",
                // 4.3 concurrency
                "concurrency-produced", "concurrency-produced-typed", "node-concurrency-view", "concurrency-sink",
                // 4.5 phases
                "bridge-fit", "phases-produced", "phases-produced-typed", "node-phase-view", "phases-sink",
                // 4.6 kernel durations
                "kernel-durations-produced", "kernel-durations-produced-typed",
                // cohorts: 4.4, comparisons, compute parity
                "serving-samples", "bridge-cost-samples", "concurrency-samples", "phase-samples",
                "cohort-samples-cost", "cohort-samples-concurrency", "cohort-samples-phases", "cohort-samples",
                "cohort-enrich", "cohort-unknown-node", "cohort-unknown-letters", "cohort-unknown-sink",
                "cohort-known-node", "cohort-key", "cohort-inputs-repartition-filter",
                "cohort-inputs-repartition-sink", "cohort-inputs-repartition-source", "cohort-inputs-late-gate",
                "cohort-inputs-late", "cohort-inputs-late-letters", "cohort-inputs-late-sink", "cohort-inputs-on-time",
                "cohort-inputs-on-time-values", "cohort-aggregate",
                "cohort-results", "cohort-provisional-view", "cohort-results-final", "cohort-comparison-view",
                "mitigation-sink",
                "cohort-windows-closed", "compute-parity-results", "cohort-parity-view", "compute-parity-sink",
                // 4.7 in-stream regression detection
                "toll-observations", "toll-baselines-repartition-filter", "toll-baselines-repartition-sink",
                "toll-baselines-repartition-source", "toll-regression", "toll-alerts-by-node", "alerts-sink");
        assertThat(stores).containsExactlyInAnyOrder(StoreNames.STREAM_TAILS, StoreNames.HOST_TAILS,
                StoreNames.BRIDGE_COST_WINDOWS, StoreNames.CONCURRENCY_WINDOWS, StoreNames.KERNEL_WINDOWS,
                StoreNames.NODE_BRIDGE_FIT, StoreNames.PHASE_OCCURRENCES, StoreNames.NODE_INFO,
                StoreNames.COHORT_WINDOWS, StoreNames.TOLL_BASELINES,
                StoreNames.NODE_COST_VIEW, StoreNames.NODE_CONCURRENCY_VIEW, StoreNames.NODE_PHASE_VIEW,
                StoreNames.COHORT_COMPARISON_VIEW, StoreNames.COHORT_PARITY_VIEW, StoreNames.COHORT_PROVISIONAL_VIEW);
        assertThat(description.subtopologies())
                .as("node id is the key of all node-level work; only node results are regrouped (by cohort, and by"
                        + " cohort route for the regression baselines)").hasSize(3);
    }
}
