package io.bridgewatch.streams;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which results a topology produces. The deployed streams-app produces all of them; an offline run that reads only
 * some (analyze's trace-wide run needs the bridge cost, its run over time the concurrency and phases) leaves out the
 * stages that feed nothing it reads. A stage that runs is the same whatever else runs, so the results it produces do
 * not depend on the choice.
 */
public final class TopologyOutputs {
    /** The result streams a topology can produce. */
    public enum Output {
        /** Bridge-cost windows (DESIGN 4.1, 4.2): topic, view, and the node's bridge fit. */
        BRIDGE_COST,
        /** Concurrency windows (4.3). */
        CONCURRENCY,
        /** Phase occurrences (4.5); they need the bridge-cost windows' fits. */
        PHASES,
        /** Cohort comparisons and compute parity (4.4, 4.6); they need every node result. */
        COHORTS,
        /** Toll regression alerts (4.7); they need the bridge-cost windows. */
        ALERTS
    }

    public static final TopologyOutputs ALL = new TopologyOutputs(EnumSet.allOf(Output.class));

    private final Set<Output> outputs;

    private TopologyOutputs(Set<Output> outputs) {
        this.outputs = outputs;
    }

    public static TopologyOutputs of(Output first, Output... more) {
        return new TopologyOutputs(EnumSet.of(first, more));
    }

    public boolean costWindows() {
        return outputs.contains(Output.BRIDGE_COST) || phases() || cohorts() || alerts();
    }

    public boolean concurrency() {
        return outputs.contains(Output.CONCURRENCY) || cohorts();
    }

    public boolean phases() {
        return outputs.contains(Output.PHASES) || cohorts();
    }

    /** Kernel-duration windows feed the cohorts' compute parity only. */
    public boolean kernelDurations() {
        return cohorts();
    }

    public boolean cohorts() {
        return outputs.contains(Output.COHORTS);
    }

    public boolean alerts() {
        return outputs.contains(Output.ALERTS);
    }

    @Override
    public String toString() {
        return outputs.toString();
    }
}
