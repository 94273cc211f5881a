package io.bridgewatch.simulator;

import com.carrotsearch.hppc.LongLongHashMap;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.Phase;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The GPU side of one simulated node: CUDA streams (work on a stream runs in order), bridge lanes (copies on one
 * lane run one at a time) and the compute engine. Each call enqueues one operation at a host time, works out when
 * the GPU runs it and when the host call returns, and emits the event the native agent would record (made with the
 * records' setters, not their builders: a builder copies the schema's field list and looks up the defaults of the
 * fields left unset, a third of the benchmark load generator's garbage).
 */
final class DeviceTimeline {
    /** Host time an async call from pinned memory takes to enqueue when nothing blocks it. */
    static final long ENQUEUE_NS = 4_000;
    /** Host time between the GPU finishing a copy and the blocked call returning. */
    static final long RETURN_NS = 200;
    /** Host time of a kernel or graph launch call. */
    static final long LAUNCH_CALL_NS = 6_000;
    private static final double COPY_JITTER = 0.03;
    private static final double COMPUTE_JITTER = 0.01;

    private final String nodeId;
    private final int pid;
    private final SplittableRandom random;
    private final TimedEventBuffer events;
    private final boolean gpuTimestamps;
    private BridgeModel bridge;
    private final TollChange tollChange;
    private final long startNs;
    private boolean tollChanged;
    /** By stream id, and by lane ({@link BridgeModel#laneOf}): primitive maps, as the fleet's load runs through them. */
    private final LongLongHashMap streamTailNs = new LongLongHashMap();
    private final LongLongHashMap laneFreeNs = new LongLongHashMap();
    private long nextCorrelationId = 1;

    DeviceTimeline(String nodeId, int pid, BridgeModel bridge, SplittableRandom random, TimedEventBuffer events,
            boolean gpuTimestamps, TollChange tollChange, long startNs) {
        this.tollChange = tollChange;
        this.startNs = startNs;
        this.nodeId = nodeId;
        this.gpuTimestamps = gpuTimestamps;
        this.pid = pid;
        this.bridge = bridge;
        this.random = random;
        this.events = events;
    }

    /** A copy issued by a host thread; see {@link CopyResult} for what it returns. */
    record Copy(long tid, long contextId, long streamId, String api, Direction direction, HostMemoryKind memory,
            long bytes, boolean async, long dependsOnNs, Phase phase) {
    }

    /** When the host call returned and when the GPU finished the copy. */
    record CopyResult(long hostReturnNs, long gpuEndNs) {
    }

    CopyResult copy(long issueNs, Copy c) {
        if (tollChange != null && !tollChanged && issueNs >= startNs + tollChange.after()) {
            bridge = bridge.withTollFactor(tollChange.factor());
            tollChanged = true;
        }
        long lane = bridge.laneOf(c.contextId(), c.direction());
        long gpuStart = max(issueNs, tail(c.streamId()), c.dependsOnNs(), laneFreeNs.getOrDefault(lane, 0L));
        long gpuEnd = gpuStart + Math.round(bridge.durationNs(c.direction(), c.memory(), c.bytes())
                * jitter(COPY_JITTER));
        streamTailNs.put(c.streamId(), gpuEnd);
        laneFreeNs.put(lane, gpuEnd);
        long hostReturn = bridge.blocksIssuer(c.async(), c.memory()) ? gpuEnd + RETURN_NS : issueNs + ENQUEUE_NS;
        Crossing crossing = new Crossing();
        crossing.setNodeId(nodeId);
        crossing.setGpuIndex(0);
        crossing.setPid(pid);
        crossing.setTid(c.tid());
        crossing.setContextId(c.contextId());
        crossing.setStreamId(c.streamId());
        crossing.setCorrelationId(nextCorrelationId++);
        crossing.setApi(c.api());
        crossing.setDirection(c.direction());
        crossing.setHostMemory(c.memory());
        crossing.setBytes(c.bytes());
        crossing.setAsyncRequested(c.async());
        crossing.setApiStartNs(issueNs);
        crossing.setApiEndNs(hostReturn);
        crossing.setGpuStartNs(gpu(gpuStart));
        crossing.setGpuEndNs(gpu(gpuEnd));
        crossing.setPhase(c.phase());
        crossing.setHostCall(true); // the schema's defaults of the fields the simulator does not model
        crossing.setBytesKnown(true);
        events.add(issueNs, crossing);
        return new CopyResult(hostReturn, gpuEnd);
    }

    /** Launches a CUDA graph of {@code computeNs} on a stream; returns when the GPU finishes it. */
    long launchGraph(long issueNs, long tid, long contextId, long streamId, long graphId, String name,
            long computeNs, Phase phase) {
        long gpuStart = Math.max(issueNs + LAUNCH_CALL_NS, tail(streamId));
        long gpuEnd = gpuStart + Math.round(computeNs * jitter(COMPUTE_JITTER));
        streamTailNs.put(streamId, gpuEnd);
        KernelExec kernel = new KernelExec();
        kernel.setNodeId(nodeId);
        kernel.setGpuIndex(0);
        kernel.setPid(pid);
        kernel.setTid(tid);
        kernel.setContextId(contextId);
        kernel.setStreamId(streamId);
        kernel.setCorrelationId(nextCorrelationId++);
        kernel.setKernelName(name);
        kernel.setGrid(List.of());
        kernel.setBlock(List.of());
        kernel.setGraphId(graphId);
        kernel.setApiStartNs(issueNs);
        kernel.setApiEndNs(issueNs + LAUNCH_CALL_NS);
        kernel.setGpuStartNs(gpu(gpuStart));
        kernel.setGpuEndNs(gpu(gpuEnd));
        kernel.setPhase(phase);
        kernel.setHostCall(true); // the schema's default: a launch the agent saw the call of
        events.add(issueNs, kernel);
        return gpuEnd;
    }

    /** A GPU timestamp as the agent would record it: absent without GPU tracing. */
    private Long gpu(long ns) {
        return gpuTimestamps ? ns : null;
    }

    /** GPU end of the last work enqueued on the stream. */
    long tail(long streamId) {
        return streamTailNs.getOrDefault(streamId, 0L);
    }

    /** A multiplicative log-normal jitter with median 1, so medians stay true to the parameters. */
    double jitter(double sigma) {
        return Math.exp(sigma * random.nextGaussian());
    }

    private static long max(long a, long b, long c, long d) {
        return Math.max(Math.max(a, b), Math.max(c, d));
    }
}
