package io.bridgewatch.collector.agent;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.collector.input.TraceFacts;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns the agent's records into Crossing and KernelExec events. With interposition alone, events carry host times
 * only (the CPU-only form, DESIGN 4.1): an async copy waits for what follows it on its stream, and when a
 * synchronization waited for it and nothing else ({@link SyncDating}) it gets that synchronization's return as
 * {@code host_sync_end_ns}, the moment the host learned it was done; else it goes out without. Memsets and launches
 * go out at once. With CUPTI on, a call waits for its GPU activity, joined through the external-correlation records
 * (CUPTI id to the agent's id), and the event carries both host and GPU times; calls whose activity does not come
 * within {@link #JOIN_WINDOW_NS} of event time (or beyond {@link #MAX_PENDING} waiting) are emitted with host times
 * only, and activities that never meet their call are counted and emitted as seen only on the GPU. A graph launch
 * is the call of every copy and kernel its graph runs: its kernels are joined to it, its copies are seen only on the
 * GPU (no call of theirs says when the host asked for them), counted as launched by a CUDA graph. Memsets are GPU
 * work that crosses no bridge: KernelExec named after them ({@code Memset (Device)}).
 */
public final class AgentEventAssembler implements Consumer<AgentRecord> {
    static final long JOIN_WINDOW_NS = 30_000_000_000L;
    static final int MAX_PENDING = 200_000;

    private final String nodeId;
    private final EventSink sink;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final LinkedHashMap<Long, AgentRecord.Event> pendingCalls = new LinkedHashMap<>();
    /** Activities waiting for their call, by CUPTI correlation id: a graph's copies and kernels share their call's. */
    private final LinkedHashMap<Long, List<AgentRecord.Event>> pendingActivities = new LinkedHashMap<>();
    /** CUPTI on: graph launches, kept for every activity of their graph until the join window has passed. */
    private final LinkedHashMap<Long, GraphLaunch> graphLaunches = new LinkedHashMap<>();
    /** Activities emitted as seen only on the GPU, by why they have no call. */
    private final Map<String, Long> withoutCall = new TreeMap<>();
    private final LinkedHashMap<Long, Long> cuptiToAgent = new LinkedHashMap<>();
    /**
     * Activities that came before their call's record (CUPTI may hand over a copy's activity before the agent's
     * drain thread has read the call's record, which is written when the call returns): agent id to CUPTI ids.
     */
    private final LinkedHashMap<Long, List<Long>> activitiesBeforeCall = new LinkedHashMap<>();
    /** Interposition only: async copies waiting to see whether a synchronization dates them. */
    private final SyncDating syncDating = new SyncDating(MAX_PENDING, this::emitDated);
    private boolean cupti;
    private long latestNs;
    private long crossings;
    private long kernels;
    private long memsets;
    private long callsWithoutActivity;
    private long activitiesWithoutCall;
    private long dropped;
    private long failedHostRegistrations;
    private long skippedRecords;

    public AgentEventAssembler(String nodeId, EventSink sink) {
        this.nodeId = nodeId;
        this.sink = sink;
    }

    @Override
    public void accept(AgentRecord record) {
        if (record instanceof AgentRecord.Event event) {
            latestNs = Math.max(latestNs, event.startNs());
            if (event.gpu()) {
                activity(event);
            } else {
                call(event);
            }
            expire();
        } else if (record instanceof AgentRecord.ExternalCorrelation x) {
            correlate(x.cuptiCorrelation(), x.agentCorrelation());
        } else if (record instanceof AgentRecord.Info info) {
            facts.putAll(info.facts());
            cupti = "active".equals(facts.get("cupti"));
        } else if (record instanceof AgentRecord.Drops drops) {
            dropped = drops.dropped();
        } else {
            skippedRecords++;
        }
    }

    private void call(AgentRecord.Event call) {
        switch (call.api().category()) {
            case COPY, MEMSET, LAUNCH -> {
                if (cupti && call.api().launchesGraph()) {
                    graphLaunches.put(call.correlation(), new GraphLaunch(call));
                    joinActivitiesBefore(call.correlation());
                } else if (cupti) {
                    pendingCalls.put(call.correlation(), call);
                    joinActivitiesBefore(call.correlation());
                } else if (call.api().category() == AgentApi.Category.COPY && call.async()) {
                    syncDating.asyncCopy(call);
                } else {
                    syncDating.otherWork(call.stream());
                    emit(call, null);
                }
            }
            case SYNCHRONIZATION -> {
                if (call.status() != 0 || cupti) {
                    return;
                }
                switch (call.api()) {
                    case STREAM_SYNCHRONIZE -> syncDating.streamSynchronized(call);
                    case EVENT_RECORD -> syncDating.eventRecorded(call);
                    case EVENT_SYNCHRONIZE -> syncDating.eventSynchronized(call);
                    case CTX_SYNCHRONIZE -> syncDating.contextSynchronized(call);
                    default -> {
                    }
                }
            }
            case HOST_REGISTRATION -> {
                if (call.api() == AgentApi.MEM_HOST_REGISTER && call.status() != 0) {
                    failedHostRegistrations++;
                }
            }
            default -> {
                // Allocations are recorded by the agent but are not bridge events.
            }
        }
    }

    /** Emits an async copy, dated by a synchronization's return (or not, when null). */
    private void emitDated(AgentRecord.Event copy, Long syncEndNs) {
        Crossing crossing = crossing(copy, null);
        if (syncEndNs != null) {
            crossing.setHostSyncEndNs(syncEndNs);
        }
        sink.crossing(crossing);
        crossings++;
    }

    private void activity(AgentRecord.Event activity) {
        Long agentCorrelation = cuptiToAgent.get(activity.correlation());
        if (agentCorrelation == null || !join(agentCorrelation, activity)) {
            waitForCall(agentCorrelation, activity);
        }
    }

    private void correlate(long cuptiCorrelation, long agentCorrelation) {
        cuptiToAgent.put(cuptiCorrelation, agentCorrelation);
        List<AgentRecord.Event> activities = pendingActivities.remove(cuptiCorrelation);
        if (activities != null) {
            for (AgentRecord.Event activity : activities) {
                if (!join(agentCorrelation, activity)) {
                    waitForCall(agentCorrelation, activity);
                }
            }
        }
    }

    /** An activity whose call has not come (yet): kept, and found by the call when it comes. */
    private void waitForCall(Long agentCorrelation, AgentRecord.Event activity) {
        List<AgentRecord.Event> waiting = pendingActivities.computeIfAbsent(activity.correlation(),
                k -> new ArrayList<>());
        waiting.add(activity);
        if (agentCorrelation != null && waiting.size() == 1) {
            activitiesBeforeCall.computeIfAbsent(agentCorrelation, k -> new ArrayList<>()).add(activity.correlation());
        }
    }

    /** A call has come: the activities that came before it are joined to it now. */
    private void joinActivitiesBefore(long agentCorrelation) {
        List<Long> cuptiCorrelations = activitiesBeforeCall.remove(agentCorrelation);
        if (cuptiCorrelations == null) {
            return;
        }
        for (long cuptiCorrelation : cuptiCorrelations) {
            List<AgentRecord.Event> activities = pendingActivities.remove(cuptiCorrelation);
            if (activities == null) {
                continue;
            }
            for (AgentRecord.Event activity : activities) {
                if (!join(agentCorrelation, activity)) {
                    waitForCall(null, activity); // a second activity of a one-activity call: left to expire
                }
            }
        }
    }

    /** Emits the activity with its call, if the call is waiting; a graph launch waits for all its graph's work. */
    private boolean join(long agentCorrelation, AgentRecord.Event activity) {
        GraphLaunch graph = graphLaunches.get(agentCorrelation);
        if (graph != null) {
            graph.joined = true;
            switch (activity.api().category()) {
                case GPU_COPY -> emitWithoutCall(activity, "launched by a CUDA graph");
                case GPU_MEMSET -> {
                    sink.kernel(kernel(graph.call, activity, "Memset (" + memoryName(activity.memory()) + ")"));
                    memsets++;
                }
                default -> emit(graph.call, activity);
            }
            return true;
        }
        AgentRecord.Event call = pendingCalls.remove(agentCorrelation);
        if (call == null) {
            return false;
        }
        emit(call, activity);
        return true;
    }

    /** Gives up on joins older than the join window (or beyond the bound): calls go out with host times only. */
    private void expire() {
        expire(pendingCalls, e -> emit(e, null));
        Iterator<List<AgentRecord.Event>> oldestActivities = pendingActivities.values().iterator();
        while (oldestActivities.hasNext()) {
            List<AgentRecord.Event> activities = oldestActivities.next();
            if (pendingActivities.size() <= MAX_PENDING && latestNs - activities.get(0).startNs() < JOIN_WINDOW_NS) {
                break;
            }
            oldestActivities.remove();
            activities.forEach(this::emitWithoutCall);
        }
        Iterator<GraphLaunch> oldestGraph = graphLaunches.values().iterator();
        while (oldestGraph.hasNext()) {
            GraphLaunch graph = oldestGraph.next();
            if (graphLaunches.size() <= MAX_PENDING && latestNs - graph.call.startNs() < JOIN_WINDOW_NS) {
                break;
            }
            oldestGraph.remove();
            graphDone(graph);
        }
        trim(cuptiToAgent);
        trim(activitiesBeforeCall);
    }

    /** Forgets the oldest entries of a correlation map beyond the bound. */
    private static void trim(LinkedHashMap<Long, ?> correlations) {
        Iterator<Long> oldest = correlations.keySet().iterator();
        while (correlations.size() > MAX_PENDING) {
            oldest.next();
            oldest.remove();
        }
    }

    private void expire(LinkedHashMap<Long, AgentRecord.Event> pending, Consumer<AgentRecord.Event> giveUp) {
        Iterator<AgentRecord.Event> oldest = pending.values().iterator();
        while (oldest.hasNext()) {
            AgentRecord.Event event = oldest.next();
            if (pending.size() <= MAX_PENDING && latestNs - event.startNs() < JOIN_WINDOW_NS) {
                return;
            }
            oldest.remove();
            giveUp.accept(event);
        }
    }

    /** Ends the stream: calls still waiting go out with host times only. */
    public void finish() {
        syncDating.releaseAll();
        for (AgentRecord.Event call : pendingCalls.values()) {
            if (cupti) {
                callsWithoutActivity++;
            }
            emit(call, null);
        }
        pendingCalls.clear();
        graphLaunches.values().forEach(this::graphDone);
        graphLaunches.clear();
        List.copyOf(pendingActivities.values()).forEach(activities -> activities.forEach(this::emitWithoutCall));
        pendingActivities.clear();
        activitiesBeforeCall.clear();
    }

    /** A graph launch none of whose work came goes out with host times only, as any call without its activity. */
    private void graphDone(GraphLaunch graph) {
        if (!graph.joined) {
            callsWithoutActivity++;
            emit(graph.call, null);
        }
    }

    private void emitWithoutCall(AgentRecord.Event activity) {
        emitWithoutCall(activity, "call not recorded");
    }

    /**
     * A GPU activity without a call of its own (made before the agent started, its record dropped, or run by a CUDA
     * graph): counted by why, and emitted as seen only on the GPU (host_call false, host times at the GPU start).
     */
    private void emitWithoutCall(AgentRecord.Event activity, String why) {
        activitiesWithoutCall++;
        withoutCall.merge(why, 1L, Long::sum);
        switch (activity.api().category()) {
            case GPU_COPY -> {
                sink.crossing(Crossing.newBuilder().setNodeId(nodeId).setGpuIndex(Math.max(0, activity.device()))
                        .setPid(activity.pid()).setTid(0).setContextId(activity.context())
                        .setStreamId(activity.stream()).setCorrelationId(activity.correlation()).setApi("")
                        .setDirection(activity.direction()).setHostMemory(activity.memory())
                        .setBytes(activity.bytes()).setAsyncRequested(false).setApiStartNs(activity.startNs())
                        .setApiEndNs(activity.startNs()).setHostCall(false).setGpuStartNs(activity.startNs())
                        .setGpuEndNs(activity.endNs()).build());
                crossings++;
            }
            case GPU_MEMSET -> {
                sink.kernel(kernelWithoutCall(activity, "Memset (" + memoryName(activity.memory()) + ")"));
                memsets++;
            }
            default -> {
                sink.kernel(kernelWithoutCall(activity, activity.name().isEmpty() ? "unknown kernel"
                        : activity.name()));
                kernels++;
            }
        }
    }

    private KernelExec kernelWithoutCall(AgentRecord.Event activity, String name) {
        return KernelExec.newBuilder().setNodeId(nodeId).setGpuIndex(Math.max(0, activity.device()))
                .setPid(activity.pid()).setTid(0).setContextId(activity.context()).setStreamId(activity.stream())
                .setCorrelationId(activity.correlation()).setKernelName(name).setGrid(nonZero(activity.grid()))
                .setBlock(nonZero(activity.block())).setApiStartNs(activity.startNs())
                .setApiEndNs(activity.startNs()).setHostCall(false).setGpuStartNs(activity.startNs())
                .setGpuEndNs(activity.endNs()).build();
    }

    private void emit(AgentRecord.Event call, AgentRecord.Event activity) {
        switch (call.api().category()) {
            case COPY -> {
                sink.crossing(crossing(call, activity));
                crossings++;
            }
            case MEMSET -> {
                sink.kernel(kernel(call, activity, "Memset (" + memoryName(call.memory()) + ")"));
                memsets++;
            }
            default -> {
                sink.kernel(kernel(call, activity, activity != null && !activity.name().isEmpty() ? activity.name()
                        : call.api().callName()));
                kernels++;
            }
        }
    }

    private Crossing crossing(AgentRecord.Event call, AgentRecord.Event activity) {
        Direction direction = call.direction() != Direction.UNKNOWN || activity == null ? call.direction()
                : activity.direction();
        HostMemoryKind memory = call.memory() != HostMemoryKind.UNKNOWN || activity == null ? call.memory()
                : activity.memory();
        Crossing.Builder c = Crossing.newBuilder().setNodeId(nodeId).setPid(call.pid()).setTid(call.tid())
                .setCorrelationId(call.correlation()).setApi(call.api().callName()).setDirection(direction)
                .setHostMemory(memory).setBytes(call.bytes()).setAsyncRequested(call.async())
                .setApiStartNs(call.startNs()).setApiEndNs(call.endNs()).setStatusCode(call.status());
        if (activity != null) {
            c.setGpuIndex(activity.device()).setContextId(activity.context()).setStreamId(activity.stream())
                    .setGpuStartNs(activity.startNs()).setGpuEndNs(activity.endNs());
        } else {
            c.setGpuIndex(Math.max(0, call.device())).setContextId(call.context()).setStreamId(call.stream());
        }
        return c.build();
    }

    private KernelExec kernel(AgentRecord.Event call, AgentRecord.Event activity, String name) {
        KernelExec.Builder k = KernelExec.newBuilder().setNodeId(nodeId).setPid(call.pid()).setTid(call.tid())
                .setCorrelationId(call.correlation()).setKernelName(name)
                .setGrid(nonZero(activity != null ? activity.grid() : call.grid()))
                .setBlock(nonZero(activity != null ? activity.block() : call.block()))
                .setApiStartNs(call.startNs()).setApiEndNs(call.endNs());
        if (activity != null) {
            k.setGpuIndex(activity.device()).setContextId(activity.context()).setStreamId(activity.stream())
                    .setGpuStartNs(activity.startNs()).setGpuEndNs(activity.endNs());
        } else {
            k.setGpuIndex(Math.max(0, call.device())).setContextId(call.context()).setStreamId(call.stream());
        }
        return k.build();
    }

    private static List<Integer> nonZero(List<Integer> dims) {
        return dims.stream().allMatch(d -> d == 0) ? List.of() : dims;
    }

    private static String memoryName(HostMemoryKind memory) {
        String name = memory.name();
        return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }

    /** The node facts the agent stated, as trace facts (its mode and drops as labels). */
    public TraceFacts facts() {
        String uuids = facts.getOrDefault("gpu_uuid", "");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("agent_mode", facts.getOrDefault("agent_mode", "interposition"));
        labels.put("cupti", facts.getOrDefault("cupti", "off"));
        if (dropped > 0) {
            labels.put("agent_dropped_records", Long.toString(dropped));
        }
        if (failedHostRegistrations > 0) {
            labels.put("host_register_failures", Long.toString(failedHostRegistrations));
        }
        return new TraceFacts(facts.getOrDefault("gpu_sku", ""), uuids.contains(",") ? uuids.substring(0,
                uuids.indexOf(',')) : uuids, facts.getOrDefault("cuda", ""), facts.getOrDefault("host", ""),
                facts.getOrDefault("driver", ""), facts.getOrDefault("cc_mode", ""), labels);
    }

    public long crossings() {
        return crossings;
    }

    public long kernels() {
        return kernels;
    }

    public long memsets() {
        return memsets;
    }

    /** With CUPTI on: calls whose GPU activity never came. */
    public long callsWithoutActivity() {
        return callsWithoutActivity;
    }

    /** With CUPTI on: GPU activities whose call was not recorded. */
    public long activitiesWithoutCall() {
        return activitiesWithoutCall;
    }

    /** With CUPTI on: the activities emitted as seen only on the GPU, by why they have no call. */
    public Map<String, Long> activitiesWithoutCallByReason() {
        return Map.copyOf(withoutCall);
    }

    /** Records the agent dropped (its rings were full), as it last reported. */
    public long dropped() {
        return dropped;
    }

    /** Records of kinds or APIs this collector does not know (a newer agent), skipped. */
    public long skippedRecords() {
        return skippedRecords;
    }

    /** A graph launch waiting for its graph's work, and whether any came. */
    private static final class GraphLaunch {
        final AgentRecord.Event call;
        boolean joined;

        GraphLaunch(AgentRecord.Event call) {
            this.call = call;
        }
    }
}
