package io.bridgewatch.streams.export;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.schema.ServingSample;

/** What a reader of the result topics does with each record; a handler overrides what it uses. */
public interface ResultHandler {
    default void node(NodeInfo info) {
    }

    default void serving(ServingSample sample) {
    }

    default void cost(BridgeCostWindow window) {
    }

    default void concurrency(ConcurrencyWindow window) {
    }

    default void phase(PhaseOccurrence occurrence) {
    }

    default void cohort(CohortComparison comparison) {
    }
}
