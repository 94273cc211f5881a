package io.bridgewatch.streams.query;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.PhaseOccurrence;
import java.util.Arrays;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * What an instance can hand out row by row, per partition: every result view and the node facts. Named on the
 * wire by {@link #label()}.
 */
public enum RowSource {
    COST(ResultView.NODE_COST, BridgeCostWindow.class),
    CONCURRENCY(ResultView.NODE_CONCURRENCY, ConcurrencyWindow.class),
    PHASES(ResultView.NODE_PHASES, PhaseOccurrence.class),
    COMPARISONS(ResultView.COHORT_COMPARISONS, CohortComparison.class),
    COMPUTE_PARITY(ResultView.COHORT_COMPUTE_PARITY, ComputeParity.class),
    /** The latest NodeInfo of every node (a key-value store, not windowed). */
    NODE_FACTS(null, NodeInfo.class);

    private final ResultView view;
    private final Class<? extends SpecificRecord> recordClass;

    RowSource(ResultView view, Class<? extends SpecificRecord> recordClass) {
        this.view = view;
        this.recordClass = recordClass;
    }

    /** The result view, or empty for the node facts. */
    public Optional<ResultView> view() {
        return Optional.ofNullable(view);
    }

    public String label() {
        return view == null ? "nodes" : view.label();
    }

    public ResultView.Scope scope() {
        return view == null ? ResultView.Scope.NODE : view.scope();
    }

    public Class<? extends SpecificRecord> recordClass() {
        return recordClass;
    }

    /** The source with this label. */
    public static Optional<RowSource> ofLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }
}
