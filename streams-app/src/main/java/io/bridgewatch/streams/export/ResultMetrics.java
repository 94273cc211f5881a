package io.bridgewatch.streams.export;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.streams.cohort.Cohorts;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams-app's results as OpenTelemetry gauges (Prometheus names follow: `_seconds`, `_bytes_per_second` from
 * the units, `_ratio` for fractions). Node-level results carry node, gpu, direction, host memory, form, plus the
 * node's cc mode and cohort from its NodeInfo; cohort-level results carry cohort, variant, cc mode and mitigation.
 */
public final class ResultMetrics implements ResultHandler, AutoCloseable {
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

    private final Clock clock;
    private final long staleMillis;
    private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();
    private final Map<String, GaugeTable> tables = new ConcurrentHashMap<>();
    private final List<ObservableDoubleGauge> gauges = new ArrayList<>();

    public ResultMetrics(Meter meter, Duration staleAfter, Clock clock) {
        this.clock = clock;
        this.staleMillis = staleAfter.toMillis();
        gauge(meter, "bridgewatch_bridge_toll", "s", "Fixed cost per crossing: intercept of cost(n) = toll + n / bandwidth, latest closed node window (DESIGN 4.1).");
        gauge(meter, "bridgewatch_bridge_bandwidth", "By/s", "Bandwidth of the crossing-cost fit, latest closed node window (DESIGN 4.1).");
        gauge(meter, "bridgewatch_bridge_cost", "s", "Crossing cost quantiles (done - ready), latest closed node window (DESIGN 4.1).");
        gauge(meter, "bridgewatch_small_crossing_cost", "s", "Median cost of crossings of at most 64 KiB, latest closed node window.");
        gauge(meter, "bridgewatch_async_blocked_ratio", "1", "Fraction of async copies whose call did not return before the copy finished (DESIGN 4.2).");
        gauge(meter, "bridgewatch_copy_concurrency_index", "1", "Copy concurrency index C = sum of copy time / union (1 = serialized), latest closed node window (DESIGN 4.3).");
        gauge(meter, "bridgewatch_bridge_occupancy_ratio", "1", "Fraction of the window the bridge carried a copy (DESIGN 4.3).");
        gauge(meter, "bridgewatch_phase_duration", "s", "Duration of the latest phase occurrence (KV restore, model load) of a node (DESIGN 4.5).");
        gauge(meter, "bridgewatch_throughput_tokens_per_second", "1", "Output tokens per second per node of a cohort variant, latest closed cohort window (DESIGN 4.4).");
        gauge(meter, "bridgewatch_throughput_gap_ratio", "1", "1 - tokens/s of the variant / tokens/s of the cohort's reference (DESIGN 4.4).");
        gauge(meter, "bridgewatch_mitigation_recovered_ratio", "1", "Share of the unmitigated CC gap a mitigation wins back (DESIGN 4.4).");
        gauge(meter, "bridgewatch_small_crossing_slowdown_ratio", "1", "Median small-crossing cost of the variant / the reference's (DESIGN 4.1).");
        gauge(meter, "bridgewatch_concurrency_loss_ratio", "1", "1 - (C - 1) / (C_ref - 1): copy concurrency lost against the reference (DESIGN 4.3).");
        gauge(meter, "bridgewatch_phase_penalty_ratio", "1", "Median phase duration of the variant / the reference's - 1 (DESIGN 4.5).");
        gauge(meter, "bridgewatch_compute_parity_ratio", "1", "Kernel time of the variant / the same kernels at the reference's medians (DESIGN 4.6).");
    }

    private void gauge(Meter meter, String name, String unit, String help) {
        GaugeTable table = new GaugeTable(staleMillis);
        tables.put(name, table);
        gauges.add(meter.gaugeBuilder(name).setUnit(unit).setDescription(help)
                .buildWithCallback(m -> table.report(m, clock.millis())));
    }

    @Override
    public void node(NodeInfo info) {
        nodes.put(info.getNodeId(), info);
    }

    @Override
    public void cost(BridgeCostWindow w) {
        Attributes route = nodeAttributes(w.getNodeId(), w.getGpuIndex())
                .put(DIRECTION, w.getDirection().name()).put(HOST_MEMORY, w.getHostMemory().name())
                .put(FORM, w.getForm().name()).build();
        set("bridgewatch_bridge_toll", route, w.getTollS());
        set("bridgewatch_bridge_bandwidth", route, w.getBandwidthBytesPerS());
        set("bridgewatch_small_crossing_cost", route, w.getSmallCostP50S());
        set("bridgewatch_async_blocked_ratio", route, w.getAsyncBlockedFraction());
        set("bridgewatch_bridge_cost", route.toBuilder().put(QUANTILE, "0.5").build(), w.getCostP50S());
        set("bridgewatch_bridge_cost", route.toBuilder().put(QUANTILE, "0.95").build(), w.getCostP95S());
        set("bridgewatch_bridge_cost", route.toBuilder().put(QUANTILE, "0.99").build(), w.getCostP99S());
    }

    @Override
    public void concurrency(ConcurrencyWindow w) {
        Attributes row = nodeAttributes(w.getNodeId(), w.getGpuIndex())
                .put(CONTEXT, w.getContextId() == null ? "all" : Long.toString(w.getContextId()))
                .put(FORM, w.getForm().name()).build();
        set("bridgewatch_copy_concurrency_index", row, w.getCopyConcurrencyIndex());
        set("bridgewatch_bridge_occupancy_ratio", row, w.getBridgeOccupancy());
    }

    @Override
    public void phase(PhaseOccurrence p) {
        set("bridgewatch_phase_duration", nodeAttributes(p.getNodeId(), p.getGpuIndex())
                .put(PHASE, p.getPhase().name()).build(), p.getDurationS());
    }

    @Override
    public void cohort(CohortComparison c) {
        Attributes variant = Attributes.builder().put(COHORT, c.getCohort()).put(VARIANT, c.getVariant())
                .put(CC_MODE, c.getCcMode().name())
                .put(MITIGATION, c.getMitigations().isEmpty() ? "none" : String.join("+", c.getMitigations()))
                .build();
        set("bridgewatch_throughput_tokens_per_second", variant, c.getTokensPerS());
        set("bridgewatch_throughput_gap_ratio", variant, c.getThroughputGap());
        set("bridgewatch_mitigation_recovered_ratio", variant, c.getRecoveredFraction());
        set("bridgewatch_concurrency_loss_ratio", variant, c.getConcurrencyLoss());
        set("bridgewatch_compute_parity_ratio", variant, c.getComputeParity());
        c.getSmallCrossingSlowdown().forEach((direction, slowdown) -> set("bridgewatch_small_crossing_slowdown_ratio",
                variant.toBuilder().put(DIRECTION, direction).build(), slowdown));
        c.getPhasePenalty().forEach((phase, penalty) -> set("bridgewatch_phase_penalty_ratio",
                variant.toBuilder().put(PHASE, phase).build(), penalty));
    }

    private AttributesBuilder nodeAttributes(String node, int gpu) {
        NodeInfo info = nodes.get(node);
        return Attributes.builder().put(NODE, node).put(GPU, Integer.toString(gpu))
                .put(CC_MODE, info == null ? "UNKNOWN" : info.getCcMode().name())
                .put(COHORT, info == null ? "unknown" : Cohorts.key(info));
    }

    private void set(String gauge, Attributes attributes, Double value) {
        tables.get(gauge).set(attributes, value, clock.millis());
    }

    @Override
    public void close() {
        gauges.forEach(ObservableDoubleGauge::close);
    }
}
