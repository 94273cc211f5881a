package io.bridgewatch.streams;

import io.bridgewatch.streams.cohort.ReferenceBaseline;
import io.bridgewatch.streams.window.WindowClose;
import java.time.Duration;

/**
 * What shapes the topology: window sizes, how long windows wait for late events, and the analytics' tolerances.
 *
 * @param nodeWindow per-node window size (DESIGN 4: 10 s by default)
 * @param grace how long after a node window's end records are still accepted (event time)
 * @param cohortWindow per-cohort window size (DESIGN 4: 60 s by default)
 * @param cohortGrace grace of cohort windows; their inputs include node-window results, which come one node
 *     window plus its grace after the events, and partitions progress unevenly when a backlog is replayed, so it
 *     is generous
 * @param reorderSlack how far behind the latest record a record's intervals may still start: intervals older than
 *     that are sealed (concurrency); a bound on how out of order a node's events arrive
 * @param referenceAsyncP99 the reference p99 host duration of pinned async copy calls (an ordinary enqueue): an
 *     async call counts as blocked only above tau = max(20 us, 5x this), and in the CPU-only form above max(50 us,
 *     10x this) (DESIGN 4.2); zero when unknown
 * @param phaseGap a phase occurrence ends when no event of its phase comes for this long (DESIGN 4.5)
 * @param baseline reference figures for cohorts without live cc_mode=OFF nodes
 * @param regressionThreshold a node whose toll exceeds its cohort's rolling baseline by this ratio is regressed
 * @param regressionHalfLife half-life (event time) of the cohort's rolling toll baseline
 * @param resultRetention how long (event time) the final results of closed windows stay queryable in the result
 *     views
 * @param nodeSilence a node's windows (and phase occurrences, and its cohort's windows) close by its own event time;
 *     when it has gone silent, once its partition's event time is this much further: how far behind the other nodes
 *     of its partition or cohort a node may fall (a collector resending its spool after an outage) without losing
 *     anything, and how late the last window of a node that stopped comes
 * @param cohortProvisional how often (wall clock) open cohort windows publish provisional figures for /metrics,
 *     dropped when the window's final result comes, never sent to the result topics or views; zero: none
 */
public record TopologyConfig(Duration nodeWindow, Duration grace, Duration cohortWindow, Duration cohortGrace,
        Duration reorderSlack, Duration referenceAsyncP99, Duration phaseGap, ReferenceBaseline baseline,
        double regressionThreshold, Duration regressionHalfLife, Duration resultRetention, Duration nodeSilence,
        Duration cohortProvisional) {
    public static final Duration DEFAULT_NODE_WINDOW = Duration.ofSeconds(10);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COHORT_WINDOW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_COHORT_GRACE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REORDER_SLACK = Duration.ofMillis(100);
    public static final Duration DEFAULT_PHASE_GAP = Duration.ofSeconds(1);
    public static final double DEFAULT_REGRESSION_THRESHOLD = 1.25;
    public static final Duration DEFAULT_REGRESSION_HALF_LIFE = Duration.ofDays(1);
    public static final Duration DEFAULT_RESULT_RETENTION = Duration.ofHours(24);
    public static final Duration DEFAULT_NODE_SILENCE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_COHORT_PROVISIONAL = Duration.ofSeconds(10);

    public static final TopologyConfig DEFAULTS = new TopologyConfig(DEFAULT_NODE_WINDOW, DEFAULT_GRACE);

    /** Node windows and grace as given, everything else at its default. */
    public TopologyConfig(Duration nodeWindow, Duration grace) {
        this(nodeWindow, grace, DEFAULT_COHORT_WINDOW, DEFAULT_COHORT_GRACE, DEFAULT_REORDER_SLACK, Duration.ZERO,
                DEFAULT_PHASE_GAP, ReferenceBaseline.NONE, DEFAULT_REGRESSION_THRESHOLD, DEFAULT_REGRESSION_HALF_LIFE,
                DEFAULT_RESULT_RETENTION, DEFAULT_NODE_SILENCE, DEFAULT_COHORT_PROVISIONAL);
    }

    public TopologyConfig {
        requirePositive("node window", nodeWindow);
        requirePositive("cohort window", cohortWindow);
        requireNotNegative("grace", grace);
        requireNotNegative("cohort grace", cohortGrace);
        requireNotNegative("reorder slack", reorderSlack);
        requireNotNegative("reference async p99", referenceAsyncP99);
        requirePositive("phase gap", phaseGap);
        baseline = baseline == null ? ReferenceBaseline.NONE : baseline;
        requirePositive("regression half-life", regressionHalfLife);
        if (!(regressionThreshold > 1)) {
            throw new IllegalArgumentException("regression threshold must be above 1, got " + regressionThreshold);
        }
        requirePositive("result retention", resultRetention);
        requireNotNegative("node silence", nodeSilence);
        requireNotNegative("cohort provisional interval", cohortProvisional);
        if (resultRetention.compareTo(cohortWindow) < 0 || resultRetention.compareTo(nodeWindow) < 0) {
            throw new IllegalArgumentException("result retention " + resultRetention
                    + " must be at least a cohort window (" + cohortWindow + ")");
        }
        if (cohortWindow.toMillis() % nodeWindow.toMillis() != 0) {
            throw new IllegalArgumentException("cohort window " + cohortWindow
                    + " must be a whole number of node windows (" + nodeWindow + ")");
        }
    }

    /** The same config with reference figures from a baseline file. */
    public TopologyConfig withBaseline(ReferenceBaseline referenceBaseline) {
        return new TopologyConfig(nodeWindow, grace, cohortWindow, cohortGrace, reorderSlack, referenceAsyncP99,
                phaseGap, referenceBaseline, regressionThreshold, regressionHalfLife, resultRetention, nodeSilence,
                cohortProvisional);
    }

    /** The same config with another result retention. */
    public TopologyConfig withResultRetention(Duration retention) {
        return new TopologyConfig(nodeWindow, grace, cohortWindow, cohortGrace, reorderSlack, referenceAsyncP99,
                phaseGap, baseline, regressionThreshold, regressionHalfLife, retention, nodeSilence, cohortProvisional);
    }

    /** The same config with another node silence. */
    public TopologyConfig withNodeSilence(Duration silence) {
        return new TopologyConfig(nodeWindow, grace, cohortWindow, cohortGrace, reorderSlack, referenceAsyncP99,
                phaseGap, baseline, regressionThreshold, regressionHalfLife, resultRetention, silence,
                cohortProvisional);
    }

    /** When node windows close. */
    public WindowClose nodeClose() {
        return WindowClose.perNode(nodeWindow, grace, nodeSilence);
    }

    /** When cohort windows close: by the event time of the cohort's nodes, as node windows. */
    public WindowClose cohortClose() {
        return WindowClose.perNode(cohortWindow, cohortGrace, nodeSilence);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }
}
