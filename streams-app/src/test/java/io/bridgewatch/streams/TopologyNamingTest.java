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
                // inputs: node event batches unpacked beside the per-event topics; late records to the dead letters
                "node-events-source", "node-events-unpack", "node-events-undecodable-from-batches",
                "node-events-undecodable-from-batches-typed", "node-events-undecodable-sink",
                "kernels-from-batches", "kernels-from-batches-typed", "kernels-merge",
                "crossings-from-batches", "crossings-from-batches-typed", "crossings-merge",
                "serving-from-batches", "serving-from-batches-typed", "serving-merge",
                "kernels-source", "kernels-late-gate", "kernels-late", "kernels-late-letters", "kernels-late-sink",
                "kernels-on-time", "kernels-on-time-values",
                "crossings-source", "crossings-late-gate", "crossings-late", "crossings-late-letters",
                "crossings-late-sink", "crossings-on-time", "crossings-on-time-values",
                "serving-source", "serving-late-gate", "serving-late", "serving-late-letters", "serving-late-sink",
                "serving-on-time", "serving-on-time-values",
                "nodes-source", "node-facts",
                // 4.1-4.2 cost and async revocation
                "kernel-stream-tails", "crossing-cost", "bridge-cost-aggregate", "node-cost-view", "bridge-cost-sink",
                // 4.3 concurrency
                "copy-intervals", "kernel-intervals", "intervals", "concurrency-aggregate", "node-concurrency-view",
                "concurrency-sink",
                // 4.5 phases
                "bridge-fit", "crossing-phase-events", "kernel-phase-events", "phase-events", "phase-occurrences",
                "node-phase-view", "phases-sink",
                // 4.6 kernel durations
                "timed-kernels", "kernel-durations-aggregate",
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
