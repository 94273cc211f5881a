package io.bridgewatch.streams;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.EngineKind;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.HistogramDelta;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.List;
import java.util.Map;

/** Hand-made events for topology tests: node n1, GPU 0, context 1, stream 7 unless changed. */
final class TestEvents {
    /** 2026-01-01T00:00:00Z in nanoseconds: windows of 10 s and 60 s start on it. */
    static final long T0 = 1_767_225_600_000_000_000L;
    static final long US = 1_000;
    static final long MS = 1_000_000;
    static final long S = 1_000_000_000L;

    private TestEvents() {
    }

    /** An async pinned H2D copy: host call {@code [a, b]}, GPU {@code [s, e]}. */
    static Crossing.Builder copy(long a, long b, long s, long e, long bytes) {
        return base(a, b, bytes).setDirection(Direction.H2D).setGpuStartNs(s).setGpuEndNs(e);
    }

    static Crossing.Builder hostOnly(long a, long b, boolean async) {
        return base(a, b, 256).setDirection(Direction.H2D).setAsyncRequested(async);
    }

    static Crossing.Builder base(long a, long b, long bytes) {
        return Crossing.newBuilder().setNodeId("n1").setGpuIndex(0).setPid(1).setTid(1).setContextId(1)
                .setStreamId(7).setCorrelationId(1).setApi("cudaMemcpyAsync").setHostMemory(HostMemoryKind.PINNED)
                .setBytes(bytes).setAsyncRequested(true).setApiStartNs(a).setApiEndNs(b);
    }

    static KernelExec.Builder kernel(long a, long s, long e) {
        return KernelExec.newBuilder().setNodeId("n1").setGpuIndex(0).setPid(1).setTid(1).setContextId(1)
                .setStreamId(7).setCorrelationId(2).setKernelName("gemm").setGrid(List.of(1, 1, 1))
                .setBlock(List.of(128, 1, 1)).setApiStartNs(a).setApiEndNs(a + 5 * US).setGpuStartNs(s)
                .setGpuEndNs(e);
    }

    /** An H200 vLLM node at concurrency 32; cohort 'NVIDIA H200|580|VLLM|0.14.1|Qwen3-27B-FP8|c32'. */
    static NodeInfo node(String id, CcMode mode, String... mitigations) {
        return NodeInfo.newBuilder().setNodeId(id).setHost(id).setGpuSku("NVIDIA H200").setGpuUuids(List.of("GPU-0"))
                .setDriverVersion("580.159.04").setCudaVersion("13.0").setCcMode(mode)
                .setTeeType(mode == CcMode.OFF ? "NONE" : "TDX").setEngine(EngineKind.VLLM).setEngineVersion("0.14.1")
                .setModel("Qwen3-27B-FP8").setTensorParallelSize(1).setAsyncScheduling(true)
                .setMitigations(List.of(mitigations)).setMaxConcurrency(32).setSource(EventSource.SIMULATOR)
                .setStartedAtNs(T0).setLabels(Map.of()).build();
    }

    /** One second of serving ending at {@code endNs}: tokens, and {@code tokens} inter-token latencies of itl. */
    static ServingSample serving(String node, long endNs, long tokens, double itlSeconds) {
        return ServingSample.newBuilder().setNodeId(node).setIntervalStartNs(endNs - S).setIntervalEndNs(endNs)
                .setOutputTokens(tokens).setPromptTokens(0).setRequestsFinished(0).setRunningRequests(32)
                .setInterTokenLatency(new HistogramDelta(List.of(), List.of(tokens), tokens * itlSeconds, tokens))
                .build();
    }
}
