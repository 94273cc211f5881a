package io.bridgewatch.streams.export;

import java.util.List;

/**
 * Names of the result gauges as registered with OpenTelemetry; the Prometheus exporter adds the unit suffix
 * ({@code _seconds}, {@code _bytes_per_second}) and the alert rules, dashboards and tests use those names.
 */
public final class MetricNames {
    public static final String BRIDGE_TOLL = "bridgewatch_bridge_toll";
    public static final String BRIDGE_BANDWIDTH = "bridgewatch_bridge_bandwidth";
    public static final String BRIDGE_COST = "bridgewatch_bridge_cost";
    public static final String SMALL_CROSSING_COST = "bridgewatch_small_crossing_cost";
    public static final String ASYNC_BLOCKED = "bridgewatch_async_blocked_ratio";
    public static final String COPY_CONCURRENCY_INDEX = "bridgewatch_copy_concurrency_index";
    public static final String BRIDGE_OCCUPANCY = "bridgewatch_bridge_occupancy_ratio";
    public static final String PHASE_DURATION = "bridgewatch_phase_duration";
    public static final String TOKENS_PER_SECOND = "bridgewatch_throughput_tokens_per_second";
    public static final String THROUGHPUT_GAP = "bridgewatch_throughput_gap_ratio";
    public static final String MITIGATION_RECOVERED = "bridgewatch_mitigation_recovered_ratio";
    public static final String SMALL_CROSSING_SLOWDOWN = "bridgewatch_small_crossing_slowdown_ratio";
    public static final String CONCURRENCY_LOSS = "bridgewatch_concurrency_loss_ratio";
    public static final String PHASE_PENALTY = "bridgewatch_phase_penalty_ratio";
    public static final String COMPUTE_PARITY = "bridgewatch_compute_parity_ratio";

    /** The cohort gauges, which have provisional twins. */
    public static final List<String> COHORT = List.of(TOKENS_PER_SECOND, THROUGHPUT_GAP, MITIGATION_RECOVERED,
            SMALL_CROSSING_SLOWDOWN, CONCURRENCY_LOSS, PHASE_PENALTY, COMPUTE_PARITY);

    private MetricNames() {
    }

    /**
     * The provisional twin of a cohort gauge ({@code bridgewatch_provisional_throughput_gap_ratio}): the figures of
     * the cohort window still open, which dashboards show before the final one comes and alerts never read.
     */
    public static String provisional(String cohortGauge) {
        return cohortGauge.replaceFirst("^bridgewatch_", "bridgewatch_provisional_");
    }
}
