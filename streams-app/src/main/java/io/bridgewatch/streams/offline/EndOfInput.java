package io.bridgewatch.streams.offline;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.EngineKind;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.streams.TopologyConfig;
import java.util.List;
import java.util.Map;

/**
 * An end-of-input watermark for a finite input. Windows close on stream time, which stops at a finite input's last
 * event; the watermark is a node of its own cohort whose events, far after the input, move stream time past every
 * window and grace: at the first instant the input's node windows close, and the watermark's own window results,
 * at the second, close the cohort windows. Each instant has a copy and a kernel, as some processors see only
 * kernels. Its results are to be ignored ({@link #isWatermark}). Used by {@link OfflinePipeline} and by an import
 * into a private broker.
 */
public final class EndOfInput {
    public static final String NODE = "~end-of-input";
    private static final long NS_PER_MS = 1_000_000L;

    private EndOfInput() {
    }

    /** The two instants (ms) after an input whose latest event is at {@code latestEventMs}. */
    public static long[] instantsMs(TopologyConfig config, long latestEventMs) {
        // Past every node's windows by the silence rule: the watermark is a node of its own.
        long nodeSpan = config.nodeClose().span() + config.nodeSilence().toMillis();
        long cohortSpan = config.cohortClose().span();
        long first = latestEventMs + nodeSpan + cohortSpan + 1;
        return new long[] {first, first + nodeSpan + 1};
    }

    public static boolean isWatermark(CharSequence nodeOrCohort) {
        return nodeOrCohort.toString().contains(NODE);
    }

    public static NodeInfo node(long timeMs) {
        return NodeInfo.newBuilder().setNodeId(NODE).setHost(NODE).setGpuSku(NODE).setGpuUuids(List.of())
                .setDriverVersion("0").setCudaVersion("").setCcMode(CcMode.UNKNOWN).setTeeType("")
                .setEngine(EngineKind.OTHER).setEngineVersion("").setModel(NODE).setTensorParallelSize(1)
                .setAsyncScheduling(false).setMitigations(List.of()).setMaxConcurrency(1)
                .setSource(EventSource.OTHER).setStartedAtNs(timeMs * NS_PER_MS).setLabels(Map.of()).build();
    }

    public static Crossing copy(long timeMs) {
        long ns = timeMs * NS_PER_MS;
        return Crossing.newBuilder().setNodeId(NODE).setGpuIndex(0).setPid(0).setTid(0).setContextId(0)
                .setStreamId(0).setCorrelationId(0).setApi("end-of-input").setDirection(Direction.H2D)
                .setHostMemory(HostMemoryKind.PINNED).setBytes(1).setAsyncRequested(false).setApiStartNs(ns)
                .setApiEndNs(ns + 1).build();
    }

    public static KernelExec kernel(long timeMs) {
        long ns = timeMs * NS_PER_MS;
        return KernelExec.newBuilder().setNodeId(NODE).setGpuIndex(0).setPid(0).setTid(0).setContextId(0)
                .setStreamId(0).setCorrelationId(1).setKernelName("end-of-input").setGrid(List.of())
                .setBlock(List.of()).setApiStartNs(ns).setApiEndNs(ns + 1).setGpuStartNs(ns + 2).setGpuEndNs(ns + 3)
                .build();
    }
}
