package io.bridgewatch.streams.export;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.cohort.Cohorts;
import io.bridgewatch.streams.query.LocalViews;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The streams-app's results as OpenTelemetry gauges (Prometheus names follow: `_seconds`, `_bytes_per_second` from
 * the units, `_ratio` for fractions), read at each collection from the result views of the partitions this instance
 * processes (its active tasks). With several instances each series is therefore exported by exactly one of them,
 * and when a partition moves its series move with it: the new owner restored the view, the old one no longer reads
 * it. A series reports its latest window; windows that started longer than the staleness limit ago are not
 * reported (a node that left the fleet disappears).
 *
 * <p>Node-level results carry node, gpu, direction, host memory, form, plus the node's cc mode and cohort from its
 * NodeInfo; cohort-level results carry cohort, variant, cc mode and mitigation.
 */
public final class ResultMetrics implements AutoCloseable {
    static final AttributeKey<String> NODE = AttributeKey.stringKey("node");
    static final AttributeKey<String> GPU = AttributeKey.stringKey("gpu");
    static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("direction");
    static final AttributeKey<String> HOST_MEMORY = AttributeKey.stringKey("host_memory");
    static final AttributeKey<String> FORM = AttributeKey.stringKey("form");
    static final AttributeKey<String> CC_MODE = AttributeKey.stringKey("cc_mode");
    static final AttributeKey<String> COHORT = AttributeKey.stringKey("cohort");
    static final AttributeKey<String> VARIANT = AttributeKey.stringKey("variant");
    static final AttributeKey<String> MITIGATION = AttributeKey.stringKey("mitigation");
    static final AttributeKey<String> CONTEXT = AttributeKey.stringKey("context");
    static final AttributeKey<String> QUANTILE = AttributeKey.stringKey("quantile");
    static final AttributeKey<String> PHASE = AttributeKey.stringKey("phase");

    private final LocalViews views;
    private final Clock clock;
    private final long staleMillis;
    private final Map<String, ObservableDoubleMeasurement> gauges = new LinkedHashMap<>();
    private final BatchCallback callback;

    public ResultMetrics(Meter meter, LocalViews views, Duration staleAfter, Clock clock) {
        this.views = views;
        this.clock = clock;
        this.staleMillis = staleAfter.toMillis();
        gauge(meter, MetricNames.BRIDGE_TOLL, "s", "Fixed cost per crossing: intercept of cost(n) = toll + n / bandwidth, latest closed node window (DESIGN 4.1).");
        gauge(meter, MetricNames.BRIDGE_BANDWIDTH, "By/s", "Bandwidth of the crossing-cost fit, latest closed node window (DESIGN 4.1).");
        gauge(meter, MetricNames.BRIDGE_COST, "s", "Crossing cost quantiles (done - ready), latest closed node window (DESIGN 4.1).");
        gauge(meter, MetricNames.SMALL_CROSSING_COST, "s", "Median cost of crossings of at most 64 KiB, latest closed node window.");
        gauge(meter, MetricNames.ASYNC_BLOCKED, "1", "Fraction of async copies whose call did not return before the copy finished (DESIGN 4.2).");
        gauge(meter, MetricNames.COPY_CONCURRENCY_INDEX, "1", "Copy concurrency index C = sum of copy time / union (1 = serialized), latest closed node window (DESIGN 4.3).");
        gauge(meter, MetricNames.BRIDGE_OCCUPANCY, "1", "Fraction of the window the bridge carried a copy (DESIGN 4.3).");
        gauge(meter, MetricNames.PHASE_DURATION, "s", "Duration of the latest phase occurrence (KV restore, model load) of a node (DESIGN 4.5).");
        gauge(meter, MetricNames.TOKENS_PER_SECOND, "1", "Output tokens per second per node of a cohort variant, latest closed cohort window (DESIGN 4.4).");
        gauge(meter, MetricNames.THROUGHPUT_GAP, "1", "1 - tokens/s of the variant / tokens/s of the cohort's reference (DESIGN 4.4).");
        gauge(meter, MetricNames.MITIGATION_RECOVERED, "1", "Share of the unmitigated CC gap a mitigation wins back (DESIGN 4.4).");
        gauge(meter, MetricNames.SMALL_CROSSING_SLOWDOWN, "1", "Median small-crossing cost of the variant / the reference's (DESIGN 4.1).");
        gauge(meter, MetricNames.CONCURRENCY_LOSS, "1", "1 - (C - 1) / (C_ref - 1): copy concurrency lost against the reference (DESIGN 4.3).");
        gauge(meter, MetricNames.PHASE_PENALTY, "1", "Median phase duration of the variant / the reference's - 1 (DESIGN 4.5).");
        gauge(meter, MetricNames.COMPUTE_PARITY, "1", "Kernel time of the variant / the same kernels at the reference's medians (DESIGN 4.6).");
        for (String cohortGauge : MetricNames.COHORT) {
            gauge(meter, MetricNames.provisional(cohortGauge), "1", "Provisional " + cohortGauge + ": the cohort"
                    + " window still open, from its inputs so far (replaced by the final figure; not for alerts).");
        }
        ObservableMeasurement[] all = gauges.values().toArray(new ObservableMeasurement[0]);
        this.callback = meter.batchCallback(this::report, all[0],
                java.util.Arrays.copyOfRange(all, 1, all.length));
    }

    private void gauge(Meter meter, String name, String unit, String help) {
        gauges.put(name, meter.gaugeBuilder(name).setUnit(unit).setDescription(help).buildObserver());
    }

    /** One collection: the latest row of every series in the active partitions' views. */
    private void report() {
        Series series = new Series();
        long fromMs = clock.millis() - staleMillis;
        for (int partition : views.activePartitions(StoreNames.NODE_COST_VIEW)) {
            Optional<ReadOnlyKeyValueStore<String, NodeInfo>> facts = views.nodeInfo(partition);
            this.<BridgeCostWindow>scan(StoreNames.NODE_COST_VIEW, partition, fromMs,
                    (node, w) -> cost(series, facts, w));
            this.<ConcurrencyWindow>scan(StoreNames.NODE_CONCURRENCY_VIEW, partition, fromMs,
                    (node, w) -> concurrency(series, facts, w));
            this.<PhaseOccurrence>scan(StoreNames.NODE_PHASE_VIEW, partition, fromMs,
                    (node, p) -> series.set(MetricNames.PHASE_DURATION, nodeAttributes(facts, p.getNodeId(),
                            p.getGpuIndex()).put(PHASE, p.getPhase().name()).build(), p.getDurationS(),
                            p.getStartNs()));
        }
        for (int partition : views.activePartitions(StoreNames.COHORT_COMPARISON_VIEW)) {
            this.<CohortComparison>scan(StoreNames.COHORT_COMPARISON_VIEW, partition, fromMs,
                    (cohort, c) -> cohort(series, c));
            views.<CohortComparison>keyValueStore(StoreNames.COHORT_PROVISIONAL_VIEW, partition).ifPresent(store -> {
                try (KeyValueIterator<String, CohortComparison> open = store.all()) {
                    open.forEachRemaining(kv -> {
                        if (kv.value.getWindowStartNs() / 1_000_000L >= fromMs) {
                            cohort(series, kv.value);
                        }
                    });
                }
            });
        }
        series.points.forEach((gauge, points) -> points.forEach((attributes, point) ->
                gauges.get(gauge).record(point.value(), attributes)));
    }

    private <V> void scan(String store, int partition, long fromMs, BiConsumer<String, V> row) {
        Optional<ReadOnlyWindowStore<String, V>> view = views.windowStore(store, partition);
        if (view.isEmpty()) {
            return;
        }
        try (KeyValueIterator<Windowed<String>, V> rows = view.get().fetchAll(Instant.ofEpochMilli(Math.max(0,
                fromMs)), Instant.ofEpochMilli(Long.MAX_VALUE))) {
            rows.forEachRemaining(kv -> row.accept(kv.key.key(), kv.value));
        }
    }

    private static void cost(Series series, Optional<ReadOnlyKeyValueStore<String, NodeInfo>> facts,
            BridgeCostWindow w) {
        Attributes route = nodeAttributes(facts, w.getNodeId(), w.getGpuIndex())
                .put(DIRECTION, w.getDirection().name()).put(HOST_MEMORY, w.getHostMemory().name())
                .put(FORM, w.getForm().name()).build();
        long start = w.getWindowStartNs();
        series.set(MetricNames.BRIDGE_TOLL, route, w.getTollS(), start);
        series.set(MetricNames.BRIDGE_BANDWIDTH, route, w.getBandwidthBytesPerS(), start);
        series.set(MetricNames.SMALL_CROSSING_COST, route, w.getSmallCostP50S(), start);
        series.set(MetricNames.ASYNC_BLOCKED, route, w.getAsyncBlockedFraction(), start);
        series.set(MetricNames.BRIDGE_COST, route.toBuilder().put(QUANTILE, "0.5").build(), w.getCostP50S(), start);
        series.set(MetricNames.BRIDGE_COST, route.toBuilder().put(QUANTILE, "0.95").build(), w.getCostP95S(), start);
        series.set(MetricNames.BRIDGE_COST, route.toBuilder().put(QUANTILE, "0.99").build(), w.getCostP99S(), start);
    }

    private static void concurrency(Series series, Optional<ReadOnlyKeyValueStore<String, NodeInfo>> facts,
            ConcurrencyWindow w) {
        Attributes row = nodeAttributes(facts, w.getNodeId(), w.getGpuIndex())
                .put(CONTEXT, w.getContextId() == null ? "all" : Long.toString(w.getContextId()))
                .put(FORM, w.getForm().name()).build();
        series.set(MetricNames.COPY_CONCURRENCY_INDEX, row, w.getCopyConcurrencyIndex(), w.getWindowStartNs());
        series.set(MetricNames.BRIDGE_OCCUPANCY, row, w.getBridgeOccupancy(), w.getWindowStartNs());
    }

    /** A cohort comparison's figures: final ones to their gauges, provisional ones to the provisional twins. */
    private static void cohort(Series series, CohortComparison c) {
        Attributes variant = Attributes.builder().put(COHORT, c.getCohort()).put(VARIANT, c.getVariant())
                .put(CC_MODE, c.getCcMode().name())
                .put(MITIGATION, c.getMitigations().isEmpty() ? "none" : String.join("+", c.getMitigations()))
                .build();
        long start = c.getWindowStartNs();
        UnaryOperator<String> gauge = c.getProvisional() ? MetricNames::provisional : g -> g;
        series.set(gauge.apply(MetricNames.TOKENS_PER_SECOND), variant, c.getTokensPerS(), start);
        series.set(gauge.apply(MetricNames.THROUGHPUT_GAP), variant, c.getThroughputGap(), start);
        series.set(gauge.apply(MetricNames.MITIGATION_RECOVERED), variant, c.getRecoveredFraction(), start);
        series.set(gauge.apply(MetricNames.CONCURRENCY_LOSS), variant, c.getConcurrencyLoss(), start);
        series.set(gauge.apply(MetricNames.COMPUTE_PARITY), variant, c.getComputeParity(), start);
        c.getSmallCrossingSlowdown().forEach((route, slowdown) -> series.set(
                gauge.apply(MetricNames.SMALL_CROSSING_SLOWDOWN), routeAttributes(variant, route), slowdown, start));
        c.getPhasePenalty().forEach((phase, penalty) -> series.set(gauge.apply(MetricNames.PHASE_PENALTY),
                variant.toBuilder().put(PHASE, phase).build(), penalty, start));
    }

    /** A variant's series of one route: {@code H2D|PINNED} is direction H2D, host memory PINNED. */
    private static Attributes routeAttributes(Attributes variant, String route) {
        int bar = route.indexOf('|');
        AttributesBuilder attributes = variant.toBuilder().put(DIRECTION, bar < 0 ? route : route.substring(0, bar));
        return bar < 0 ? attributes.build() : attributes.put(HOST_MEMORY, route.substring(bar + 1)).build();
    }

    private static AttributesBuilder nodeAttributes(Optional<ReadOnlyKeyValueStore<String, NodeInfo>> facts,
            String node, int gpu) {
        NodeInfo info = facts.map(store -> store.get(node)).orElse(null);
        return Attributes.builder().put(NODE, node).put(GPU, Integer.toString(gpu))
                .put(CC_MODE, info == null ? "UNKNOWN" : info.getCcMode().name())
                .put(COHORT, info == null ? "unknown" : Cohorts.key(info));
    }

    /** The latest value of each series of each gauge seen in one collection. */
    private static final class Series {
        private record Point(double value, long windowStartNs) {
        }

        final Map<String, Map<Attributes, Point>> points = new HashMap<>();

        void set(String gauge, Attributes attributes, Double value, long windowStartNs) {
            if (value == null || value.isNaN() || value.isInfinite()) {
                return;
            }
            points.computeIfAbsent(gauge, g -> new HashMap<>()).merge(attributes, new Point(value, windowStartNs),
                    (old, now) -> now.windowStartNs() >= old.windowStartNs() ? now : old);
        }
    }

    @Override
    public void close() {
        callback.close();
    }
}
