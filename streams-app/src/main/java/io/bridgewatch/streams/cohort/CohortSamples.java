package io.bridgewatch.streams.cohort;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.streams.internal.CohortSample;
import java.util.List;
import java.util.Optional;

/** A node's contributions to its cohort window, and their enrichment with the node's facts. */
public final class CohortSamples {
    // Which of a node's inputs a sample follows: each closes cohort windows by its own event time, since after an
    // outage a node's serving samples, crossings and kernels come back at their own pace.
    /** Serving samples, as they come. */
    public static final String SERVING = "serving";
    /** Cost windows, closed by the node's crossings. */
    public static final String CROSSINGS = "crossings";
    /** Kernel-duration windows, closed by the node's kernels. */
    public static final String KERNELS = "kernels";
    /** Concurrency windows and phase occurrences, closed by the slower of the two. */
    public static final String CROSSINGS_AND_KERNELS = "crossings+kernels";
    public static final List<String> INPUTS = List.of(SERVING, CROSSINGS, KERNELS, CROSSINGS_AND_KERNELS);

    private CohortSamples() {
    }

    public static CohortSample of(ServingSample s) {
        CohortSample.Builder sample = CohortSample.newBuilder().setNodeId(s.getNodeId()).setInput(SERVING)
                .setOutputTokens(s.getOutputTokens())
                .setIntervalS((s.getIntervalEndNs() - s.getIntervalStartNs()) * 1e-9);
        if (s.getInterTokenLatency() != null) {
            sample.setItlSumS(s.getInterTokenLatency().getSumS()).setItlCount(s.getInterTokenLatency().getCount());
        }
        return sample.build();
    }

    /** The window's small-crossing costs (its sketch), if it had small crossings. */
    public static Optional<CohortSample> of(BridgeCostWindow w) {
        if (w.getSmallCostCounts().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(CohortSample.newBuilder().setNodeId(w.getNodeId()).setInput(CROSSINGS)
                .setDirection(w.getDirection().name())
                .setHostMemory(w.getHostMemory().name()).setSmallCostCounts(w.getSmallCostCounts()).build());
    }

    /** A (gpu, context) row's copy time and union; the across-contexts rows are not pooled (they would double). */
    public static Optional<CohortSample> of(ConcurrencyWindow w) {
        if (w.getContextId() == null || w.getCopyUnionS() <= 0) {
            return Optional.empty();
        }
        return Optional.of(CohortSample.newBuilder().setNodeId(w.getNodeId()).setInput(CROSSINGS_AND_KERNELS)
                .setCopyTimeS(w.getCopyTimeS())
                .setCopyUnionS(w.getCopyUnionS()).build());
    }

    public static CohortSample of(PhaseOccurrence p) {
        return CohortSample.newBuilder().setNodeId(p.getNodeId()).setInput(CROSSINGS_AND_KERNELS)
                .setPhase(p.getPhase().name())
                .setPhaseDurationS(p.getDurationS()).build();
    }

    /** The sample with its node's cohort and variant; left without them when the node's facts are unknown. */
    public static CohortSample enrich(CohortSample sample, NodeInfo node) {
        if (node == null) {
            return sample;
        }
        List<String> mitigations = Cohorts.mitigations(node);
        return CohortSample.newBuilder(sample).setCohort(Cohorts.key(node)).setVariant(Cohorts.variant(node))
                .setCcMode(node.getCcMode().name()).setMitigations(mitigations).build();
    }
}
