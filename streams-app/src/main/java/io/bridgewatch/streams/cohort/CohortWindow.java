package io.bridgewatch.streams.cohort;

import io.bridgewatch.streams.internal.CohortSample;
import io.bridgewatch.streams.internal.CohortWindowState;
import io.bridgewatch.streams.internal.VariantState;
import io.bridgewatch.streams.window.WindowAggregation;
import io.bridgewatch.streams.window.WindowNodes;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cohort's window, to be compared per variant ({@link CohortAggregator#results}) and for compute parity
 * ({@link CohortAggregator#parity}): closed, or still open and reported as a provisional figure. Its samples are
 * folded by {@link #AGGREGATION}; the window is fed by the cohort's nodes ({@link #NODES}), so it closes once each of
 * them has passed it.
 */
public record CohortWindow(String cohort, long startNs, long endNs, CohortWindowState state, boolean provisional) {
    public static final WindowAggregation<CohortSample, CohortWindowState, CohortWindow> AGGREGATION =
            WindowAggregation.of(CohortAggregator::empty, CohortAggregator::add,
                    (cohort, startNs, endNs, state) -> List.of(new CohortWindow(cohort, startNs, endNs, state, false)),
                    (cohort, startNs, endNs, state) -> List.of(new CohortWindow(cohort, startNs, endNs, state, true)));

    /** Each node's inputs (serving samples, and results of its crossings, its kernels, or both) feed apart. */
    public static final WindowNodes<CohortSample, CohortWindowState> NODES = new WindowNodes<>() {
        @Override
        public String ofRecord(String cohort, CohortSample sample) {
            return feeder(sample);
        }

        @Override
        public Collection<String> ofState(String cohort, CohortWindowState state) {
            Set<String> feeders = new TreeSet<>();
            for (VariantState variant : state.getVariants().values()) {
                for (String node : variant.getNodes()) {
                    CohortSamples.INPUTS.forEach(input -> feeders.add(node + "|" + input));
                }
            }
            return feeders;
        }
    };

    /** The feeder a sample comes from: its node and input. */
    public static String feeder(CohortSample sample) {
        return sample.getNodeId() + "|" + sample.getInput();
    }
}
