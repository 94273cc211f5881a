package io.bridgewatch.streams;

/** Names of every stateful step, shared by the topology, the query layer, tests and dashboards. */
public final class StoreNames {
    /** GPU end of the latest work per (gpu, context, stream) of a node: the "prior_end" of DESIGN 4.1. */
    public static final String STREAM_TAILS = "bridge-stream-tails";
    /** When the host saw the latest copy per (gpu, context, stream) of a node done (CPU-only concurrency). */
    public static final String HOST_TAILS = "bridge-host-tails";
    /** Windowed crossing-cost state per node. */
    public static final String BRIDGE_COST_WINDOWS = "bridge-cost-windows";
    /** Windowed copy and kernel intervals per node (concurrency). */
    public static final String CONCURRENCY_WINDOWS = "concurrency-windows";
    /** Windowed kernel GPU durations per node (compute parity). */
    public static final String KERNEL_WINDOWS = "kernel-windows";
    /** Latest toll and bandwidth per (node, gpu, direction, host memory), for phase predictions. */
    public static final String NODE_BRIDGE_FIT = "node-bridge-fit";
    /** Open phase occurrences per (node, gpu, phase). */
    public static final String PHASE_OCCURRENCES = "phase-occurrences";
    /** Latest NodeInfo per node (the table events are enriched with). */
    public static final String NODE_INFO = "node-info";
    /** Rolling toll baselines per (cohort, cc mode, direction, host memory), and the nodes regressed. */
    public static final String TOLL_BASELINES = "toll-baselines";
    /** The repartition of node samples by cohort (its topic is {@code <application.id>-cohort-inputs-repartition}). */
    public static final String COHORT_INPUTS = "cohort-inputs";
    /**
     * Open cohort windows' per-variant figures (windows closed by the cohort's nodes' event time). Named apart from
     * the windowed store {@code cohort-windows} of earlier versions, whose changelog holds another key format.
     */
    public static final String COHORT_WINDOWS = "cohort-window-states";

    // Result views: the final results of closed windows, kept for the result retention and queryable. Node views are
    // keyed by node id (the partition of the node's events), cohort views by cohort key (the cohort repartition).

    /** Closed crossing-cost windows per node (BridgeCostWindow), by window start. */
    public static final String NODE_COST_VIEW = "node-cost-view";
    /** Closed concurrency windows per node (ConcurrencyWindow), by window start. */
    public static final String NODE_CONCURRENCY_VIEW = "node-concurrency-view";
    /** Finished phase occurrences per node (PhaseOccurrence), by occurrence start. */
    public static final String NODE_PHASE_VIEW = "node-phase-view";
    /** Closed cohort comparisons per cohort (CohortComparison), by window start. */
    public static final String COHORT_COMPARISON_VIEW = "cohort-comparison-view";
    /** Closed compute-parity rows per cohort (ComputeParity), by window start. */
    public static final String COHORT_PARITY_VIEW = "cohort-parity-view";
    /** The latest provisional comparison of each cohort variant's open window ("cohort|variant"), until it closes. */
    public static final String COHORT_PROVISIONAL_VIEW = "cohort-provisional-view";

    private StoreNames() {
    }
}
