package io.bridgewatch.streams.query;

import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.StoreNames;
import java.util.Arrays;
import java.util.List;

/** The queryable result views: what each is called in answers, its store, and whose key it is by. */
public enum ResultView {
    NODE_COST("cost", StoreNames.NODE_COST_VIEW, Scope.NODE),
    NODE_CONCURRENCY("concurrency", StoreNames.NODE_CONCURRENCY_VIEW, Scope.NODE),
    NODE_PHASES("phases", StoreNames.NODE_PHASE_VIEW, Scope.NODE),
    COHORT_COMPARISONS("comparisons", StoreNames.COHORT_COMPARISON_VIEW, Scope.COHORT),
    COHORT_COMPUTE_PARITY("compute_parity", StoreNames.COHORT_PARITY_VIEW, Scope.COHORT);

    /** What a view's key is: a node id (partitioned like the node's events) or a cohort key. */
    public enum Scope {
        NODE, COHORT;

        public List<ResultView> views() {
            return Arrays.stream(ResultView.values()).filter(v -> v.scope == this).toList();
        }

        /**
         * The topic whose partitions are this scope's store partitions: the node events for node views, the
         * cohort repartition topic for cohort views.
         */
        public String sourceTopic(String applicationId) {
            return this == NODE ? Topics.CROSSINGS : applicationId + "-" + StoreNames.COHORT_INPUTS + "-repartition";
        }

        /** The store whose partitioning locates this scope's keys (all views of a scope share it). */
        public String routingStore() {
            return views().get(0).store();
        }
    }

    private final String label;
    private final String store;
    private final Scope scope;

    ResultView(String label, String store, Scope scope) {
        this.label = label;
        this.store = store;
        this.scope = scope;
    }

    public String label() {
        return label;
    }

    public String store() {
        return store;
    }

    public Scope scope() {
        return scope;
    }
}
