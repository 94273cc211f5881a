package io.bridgewatch.simulator;

import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.Phase;

/**
 * The serving engine's host threads driving the device: a model load, then decode steps with periodic KV restores.
 *
 * <p>Async scheduling (vLLM's default): the launch thread schedules step k and copies its inputs on the compute
 * stream, launches the step's CUDA graph, issues the step's output copies (D2H, ordered after the graph), then processes step k-1's output while the GPU runs step k. Without CC the copies return at once, so
 * host work hides behind GPU work. Under CC every copy blocks its thread until done, and until earlier work on its
 * stream is done: the output copies hold the launch thread for the whole step, and the overlap is gone.
 *
 * <p>{@code no-async-scheduling}: one step at a time, reading back one output tensor synchronously, so fewer
 * crossings per step and none issued behind running GPU work. {@code drain-thread}: a worker thread issues and
 * waits for the output copies, so the launch thread goes on scheduling the next step. Nothing here is tuned to
 * an outcome: throughput follows from the timeline.
 */
final class ServingEngine {
    private static final long CONTEXT = 1;
    private static final long COMPUTE_STREAM = 7;
    private static final long OFFLOAD_STREAM = 9;
    private static final long POOL_CONTEXT_BASE = 100;
    private static final double CPU_JITTER = 0.05;

    private final NodeSpec node;
    private final WorkloadProfile work;
    private final PhasePlan phases;
    private final DeviceTimeline device;
    private final ServingMeter meter;
    private final GroundTruth truth;
    private final long mainTid;
    private final long drainTid;
    private final long offloadTid;
    private final boolean asyncScheduling;
    private final boolean drainThread;

    private long mainNs;
    private long drainNs;
    private long previousOutputReadyNs = -1;
    private long nextRestoreNs;
    private boolean loaded;

    ServingEngine(NodeSpec node, NodeDefaults defaults, DeviceTimeline device, ServingMeter meter, GroundTruth truth,
            int pid, long startNs) {
        this.node = node;
        this.work = defaults.workload();
        this.phases = defaults.phases();
        this.device = device;
        this.meter = meter;
        this.truth = truth;
        this.mainTid = pid;
        this.drainTid = pid + 1L;
        this.offloadTid = pid + 2L;
        this.asyncScheduling = !node.has(Mitigations.NO_ASYNC_SCHEDULING);
        this.drainThread = asyncScheduling && node.has(Mitigations.DRAIN_THREAD);
        this.mainNs = startNs;
        this.drainNs = startNs;
    }

    /** Host time of the launch thread: everything before it has been simulated. */
    long nowNs() {
        return mainNs;
    }

    /** Runs the next unit of work: the model load first, then one decode step (with a KV restore when due). */
    void advance() {
        if (!loaded) {
            loadModel();
            loaded = true;
            nextRestoreNs = mainNs + phases.kvRestore().firstAfterLoad();
            return;
        }
        if (mainNs >= nextRestoreNs) {
            restoreKvCache();
            nextRestoreNs += phases.kvRestore().every();
        }
        if (asyncScheduling) {
            asyncStep();
        } else {
            synchronousStep();
        }
    }

    /** Host time after the launch thread scheduled a step, copied its inputs and launched its graph. */
    private record Launched(long hostNs, long stepEndNs) {
    }

    private Launched scheduleAndLaunch(int sequences) {
        long t = mainNs + cpu(work.scheduleCpuNs(sequences));
        t = copyInputs(t, sequences);
        long stepEnd = device.launchGraph(t, mainTid, CONTEXT, COMPUTE_STREAM, graphId(), graphName(),
                work.stepComputeNs(sequences), Phase.DECODE);
        return new Launched(t + DeviceTimeline.LAUNCH_CALL_NS + work.launchCpu(), stepEnd);
    }

    private void asyncStep() {
        int sequences = node.concurrency();
        Launched launched = scheduleAndLaunch(sequences);
        long t = launched.hostNs();
        long stepEnd = launched.stepEndNs();
        long outputReady;
        if (drainThread) {
            long d = Math.max(drainNs, t);
            OutputCopies drained = copyOutputs(d, drainTid, stepEnd, work.asyncOutputCopies(), sequences);
            drainNs = drained.hostNs;
            outputReady = Math.max(drained.hostNs, drained.gpuEndNs);
        } else {
            OutputCopies copied = copyOutputs(t, mainTid, stepEnd, work.asyncOutputCopies(), sequences);
            t = copied.hostNs;
            outputReady = copied.gpuEndNs;
        }
        if (previousOutputReadyNs >= 0) {
            // get_output(k-1): wait on its event, then detokenize and return it.
            t = Math.max(t, previousOutputReadyNs) + cpu(work.outputCpuNs(sequences));
            deliver(t, sequences);
        }
        previousOutputReadyNs = outputReady;
        mainNs = t;
    }

    private void synchronousStep() {
        int sequences = node.concurrency();
        Launched launched = scheduleAndLaunch(sequences);
        long t = launched.hostNs();
        long stepEnd = launched.stepEndNs();
        // tensor.cpu(): one synchronous readback into pageable memory, on the compute stream.
        t = device.copy(t, new DeviceTimeline.Copy(mainTid, CONTEXT, COMPUTE_STREAM, "cudaMemcpyAsync",
                Direction.D2H, HostMemoryKind.PAGEABLE, work.outputBytesPerSequence() * sequences, false, stepEnd,
                Phase.DECODE)).hostReturnNs();
        t += cpu(work.outputCpuNs(sequences));
        deliver(t, sequences);
        mainNs = t;
    }

    private long copyInputs(long t, int sequences) {
        for (int i = 0; i < work.inputCopies(); i++) {
            t = device.copy(t, new DeviceTimeline.Copy(mainTid, CONTEXT, COMPUTE_STREAM, "cudaMemcpyAsync",
                    Direction.H2D, HostMemoryKind.PINNED, work.inputBytesPerSequence() * sequences, true, 0,
                    Phase.DECODE)).hostReturnNs();
        }
        return t;
    }

    private record OutputCopies(long hostNs, long gpuEndNs) {
    }

    private OutputCopies copyOutputs(long t, long tid, long afterNs, int copies, int sequences) {
        long gpuEnd = afterNs;
        for (int i = 0; i < copies; i++) {
            // AsyncOutput's copies wait for the step's graph (an event in vLLM, stream order here).
            DeviceTimeline.CopyResult r = device.copy(t, new DeviceTimeline.Copy(tid, CONTEXT, COMPUTE_STREAM,
                    "cudaMemcpyAsync", Direction.D2H, HostMemoryKind.PINNED, work.outputBytesPerSequence() * sequences,
                    true, afterNs, Phase.DECODE));
            t = r.hostReturnNs();
            gpuEnd = Math.max(gpuEnd, r.gpuEndNs());
        }
        return new OutputCopies(t, gpuEnd);
    }

    private void loadModel() {
        PhasePlan.ModelLoad load = phases.modelLoad();
        long start = mainNs;
        long tensors = (load.bytes() + load.tensorBytes() - 1) / load.tensorBytes();
        long end = start;
        if (node.has(Mitigations.CONTEXT_POOL_LOAD)) {
            // One loader thread per context, each with its own stream; tensors dealt round robin.
            long[] threadNs = new long[load.poolContexts()];
            java.util.Arrays.fill(threadNs, start);
            for (long i = 0; i < tensors; i++) {
                int lane = (int) (i % load.poolContexts());
                DeviceTimeline.CopyResult r = device.copy(threadNs[lane], new DeviceTimeline.Copy(
                        mainTid + 10L + lane, POOL_CONTEXT_BASE + lane, POOL_CONTEXT_BASE + lane, "cudaMemcpy",
                        Direction.H2D, HostMemoryKind.PINNED, tensorBytes(load, i), false, 0, Phase.MODEL_LOAD));
                threadNs[lane] = r.hostReturnNs();
                end = Math.max(end, r.hostReturnNs());
            }
        } else {
            for (long i = 0; i < tensors; i++) {
                end = device.copy(end, new DeviceTimeline.Copy(mainTid, CONTEXT, COMPUTE_STREAM, "cudaMemcpy",
                        Direction.H2D, HostMemoryKind.PAGEABLE, tensorBytes(load, i), false, 0, Phase.MODEL_LOAD))
                        .hostReturnNs();
            }
        }
        truth.modelLoaded(start, end);
        mainNs = end;
        drainNs = end;
        meter.closeIntervalsBefore(end);
    }

    private static long tensorBytes(PhasePlan.ModelLoad load, long index) {
        long remaining = load.bytes() - index * load.tensorBytes();
        return Math.min(load.tensorBytes(), remaining);
    }

    private void restoreKvCache() {
        PhasePlan.KvRestore restore = phases.kvRestore();
        long t = mainNs;
        // The restore can start once earlier work on the compute stream is done (the "ready" of DESIGN 4.1).
        long ready = Math.max(t, device.tail(COMPUTE_STREAM));
        boolean batched = node.has(Mitigations.BATCHED_KV_RESTORE);
        int copies = batched ? 1 : restore.blocks();
        long bytesPerCopy = batched ? restore.blocks() * restore.blockBytes() : restore.blockBytes();
        for (int i = 0; i < copies; i++) {
            t = device.copy(t, new DeviceTimeline.Copy(mainTid, CONTEXT, COMPUTE_STREAM, "cudaMemcpyAsync",
                    Direction.H2D, HostMemoryKind.PINNED, bytesPerCopy, true, 0, Phase.KV_RESTORE)).hostReturnNs();
        }
        offloadDisplacedRequest(mainNs, ready, restore);
        long end = device.launchGraph(t, mainTid, CONTEXT, COMPUTE_STREAM, 1L, "prefill(restored prefix)",
                restore.prefillCompute(), Phase.KV_RESTORE);
        truth.kvRestored(end - ready);
        mainNs = t + DeviceTimeline.LAUNCH_CALL_NS;
    }

    /**
     * The displaced request's blocks, D2H into pinned memory on the offload stream, issued by the offload thread from
     * {@code issueNs} once the step that wrote them is done ({@code readyNs}). Its copies go after the restore's in
     * each lane's queue: under CC, one lane per context, so they wait for the restore; without CC, on the D2H copy
     * engine, they run alongside it.
     */
    private void offloadDisplacedRequest(long issueNs, long readyNs, PhasePlan.KvRestore restore) {
        long t = issueNs;
        for (int i = 0; i < restore.offloadBlocks(); i++) {
            t = device.copy(t, new DeviceTimeline.Copy(offloadTid, CONTEXT, OFFLOAD_STREAM, "cudaMemcpyAsync",
                    Direction.D2H, HostMemoryKind.PINNED, restore.blockBytes(), true, readyNs, Phase.KV_OFFLOAD))
                    .hostReturnNs();
        }
    }

    private void deliver(long atNs, int sequences) {
        meter.delivered(atNs, sequences);
        truth.tokensDelivered(atNs, sequences);
    }

    private long cpu(long ns) {
        return Math.round(ns * device.jitter(CPU_JITTER));
    }

    private long graphId() {
        return 1000L + node.concurrency();
    }

    private String graphName() {
        return "CUDAGraph::decode(batch=" + node.concurrency() + ")";
    }
}
