package io.bridgewatch.collector.input;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.EngineKind;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.NodeInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The NodeInfo of a node known through a trace or the native agent: what they say, the rest from the user's labels
 * or unknown.
 */
public final class TraceNodeInfo {
    public static final String UNKNOWN = "unknown";

    private TraceNodeInfo() {
    }

    /**
     * @param gpuSku the SKU to state (analyses give a trace and its reference the same one, so they share a cohort)
     * @param labels free-form labels; {@code engine}, {@code engine_version}, {@code model}, {@code driver} and
     *     {@code max_concurrency} also fill the fields of those names
     */
    public static NodeInfo of(String nodeId, TraceFacts facts, String gpuSku, CcMode ccMode, long startedAtNs,
            Map<String, String> labels) {
        Map<String, String> allLabels = new TreeMap<>(facts.labels());
        allLabels.putAll(labels);
        return NodeInfo.newBuilder().setNodeId(nodeId)
                .setHost(facts.host().isEmpty() ? nodeId : facts.host())
                .setGpuSku(gpuSku.isEmpty() ? UNKNOWN : gpuSku)
                .setGpuUuids(facts.gpuUuid().isEmpty() ? List.of() : List.of(facts.gpuUuid()))
                .setDriverVersion(labels.getOrDefault("driver", facts.driverVersion().isEmpty() ? UNKNOWN
                        : facts.driverVersion()))
                .setCudaVersion(facts.cudaVersion())
                .setCcMode(ccMode)
                .setTeeType(ccMode == CcMode.OFF ? "NONE" : labels.getOrDefault("tee", UNKNOWN))
                .setEngine(engine(labels.get("engine")))
                .setEngineVersion(labels.getOrDefault("engine_version", UNKNOWN))
                .setModel(labels.getOrDefault("model", UNKNOWN))
                .setTensorParallelSize(1)
                .setAsyncScheduling(true)
                .setMitigations(List.of())
                .setMaxConcurrency(Integer.parseInt(labels.getOrDefault("max_concurrency", "1")))
                .setSource(source(facts))
                .setStartedAtNs(startedAtNs)
                .setLabels(allLabels)
                .build();
    }

    /** Agent records say which mode recorded them; everything else is an imported trace. */
    private static EventSource source(TraceFacts facts) {
        String mode = facts.labels().getOrDefault("agent_mode", "");
        if (mode.contains("cupti")) {
            return EventSource.AGENT_CUPTI;
        }
        return mode.isEmpty() ? EventSource.TRACE_IMPORT : EventSource.AGENT_INTERPOSITION;
    }

    private static EngineKind engine(String name) {
        if (name == null) {
            return EngineKind.OTHER;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "vllm" -> EngineKind.VLLM;
            case "sglang" -> EngineKind.SGLANG;
            default -> EngineKind.OTHER;
        };
    }
}
