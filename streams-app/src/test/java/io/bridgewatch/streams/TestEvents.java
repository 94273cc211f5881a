package io.bridgewatch.streams;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import java.util.List;

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
}
