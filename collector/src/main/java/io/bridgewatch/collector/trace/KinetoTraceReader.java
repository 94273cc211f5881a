package io.bridgewatch.collector.trace;

import io.bridgewatch.collector.input.TraceFacts;
import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceInput;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceReader;
import io.bridgewatch.collector.input.TraceSummary;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a PyTorch profiler (Kineto) Chrome-trace JSON file, plain or gzipped, into Crossing and KernelExec events
 * (FORMATS.md section 2). The file is streamed event by event: a host {@code cuda_runtime}/{@code cuda_driver} call
 * and every GPU {@code gpu_memcpy}, {@code gpu_memset} or {@code kernel} activity of it (a graph launch has many)
 * are joined by {@code args.correlation}, in whichever order they come; memory holds the launching host calls (a
 * few fields each) and the activities still waiting for theirs. Times are {@code ts}/{@code dur} (microseconds,
 * integer or with nanosecond decimals) after {@code baseTimeNanoseconds} (zero in traces older than it). Phases come
 * from {@code user_annotation} ranges whose names name one ({@link PhaseNames}); Kineto writes the CPU-side events,
 * annotations included, before the activity records. A memset is GPU work that crosses no bridge: it becomes a
 * KernelExec named after it ({@code Memset (Device)}).
 *
 * <p>Traces of every PyTorch version since 2020 are read: the whole file may be a bare array of events (2020); the
 * 2021 category names ({@code Operator}, {@code Runtime}, {@code Kernel}, {@code Memcpy}, {@code Memset}) are the
 * current ones under other names; complete events ({@code "ph": "X"}) are the only ones used, and every other
 * event (flows, instants, counters, metadata) or category a later version adds is skipped and counted in the
 * summary, never fatal. So is a GPU activity that cannot become an event (a copy with a name of an unknown form).
 * A copy without {@code args.bytes}, as some ROCm traces have, is a crossing of unknown size
 * ({@code bytes_known} false): counted and timed, left out of size-based figures.
 */
public final class KinetoTraceReader implements TraceReader {
    private static final String GRAPH_LAUNCHED = "launched by a CUDA graph";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Times are decimals (microseconds): parsed by Jackson's fast (and exactly rounding) double parser. */
    private static final JsonFactory PARSERS = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    private static final int PROGRESS_EVERY = 8192;
    private static final int NO_CALL = -1;
    /**
     * GPU activities waiting for their host call, at most: beyond, the earliest is taken to have none in the trace.
     * Kineto writes each CUPTI buffer's records together, buffers in the order they were handed over, not in time
     * (seen on the H200: a buffer of calls and copies 30 s later came first), so an activity may precede its call
     * by a buffer or more; a trace with no host calls at all must not hold every activity in memory.
     */
    static final int MAX_WAITING_ACTIVITIES = 100_000;
    /**
     * Host calls kept for their activities, at most (the latest read): a call stays for every activity of its
     * correlation id (a graph launch has many), and a multi-gigabyte trace holds millions of calls.
     */
    static final int MAX_HOST_CALLS = 500_000;
    /** What the Chrome trace format's other event phases are, for the count of skipped events. */
    private static final Map<String, String> PHASE_KINDS = Map.ofEntries(Map.entry("M", "metadata"),
            Map.entry("i", "instant events"), Map.entry("I", "instant events"), Map.entry("C", "counters"),
            Map.entry("s", "flow starts"), Map.entry("t", "flow steps"), Map.entry("f", "flow ends"),
            Map.entry("B", "duration begins"), Map.entry("E", "duration ends"), Map.entry("b", "async begins"),
            Map.entry("e", "async ends"), Map.entry("n", "async instants"));
    /** The 2021 names of the categories read. */
    private static final Map<String, String> LEGACY_CATEGORIES = Map.of("Operator", "cpu_op", "Runtime",
            "cuda_runtime", "Kernel", "kernel", "Memcpy", "gpu_memcpy", "Memset", "gpu_memset");
    /** The categories Kineto writes (FORMATS.md section 2) that carry nothing the bridge needs: ignored, uncounted. */
    private static final Set<String> IGNORED_CATEGORIES = Set.of("cpu_op", "user_annotation", "gpu_user_annotation",
            "gpu_memcpy", "gpu_memset", "kernel", "external_correlation", "cuda_runtime", "cuda_driver",
            "cpu_instant_event", "python_function", "overhead", "mtia_runtime", "mtia_ccp_events", "mtia_insight",
            "cuda_sync", "cuda_event", "mtia_counters", "glow_runtime", "cuda_profiler_range", "hpu_op",
            "xpu_runtime", "xpu_driver", "collective_comm", "privateuse1_runtime", "privateuse1_driver",
            "xpu_scope_profiler", "xpu_sync", "hardware_counters", "ac2g", "fwdbwd", "Trace");

    private final String nodeId;
    /** Host calls that launch GPU work, by correlation id: kept for every activity of theirs, however many. */
    private final HostCallTable hostCalls = new HostCallTable(MAX_HOST_CALLS);
    /** GPU activities read before their host call, by correlation id. */
    private final Map<Long, List<KinetoEvent>> waitingActivities = new HashMap<>();
    /** The correlation ids activities waited for, in the order they were read, for the bound (some since joined). */
    private final ArrayDeque<Long> waitingOrder = new ArrayDeque<>();
    /** The event being read (refilled for each); its repeated texts (categories, names) are one string each. */
    private final KinetoEvent event = new KinetoEvent(new TextCache(), new LaunchShapes(), new LaunchShapes());
    private final CopyNames copyNames = new CopyNames();
    private final Map<String, Long> skipped = new TreeMap<>();
    /** GPU activities emitted without a host call, by why it is missing. */
    private final Map<String, Long> withoutHostCall = new TreeMap<>();
    private long firstHostCallNs = Long.MAX_VALUE;
    private final PhaseRanges phases = new PhaseRanges();
    private Path file;
    private long baseNs;
    private long crossings;
    private long kernels;
    private long memsets;
    private long eventIndex;
    /** Where the event being read starts, for errors: line and column as Jackson's locations number them. */
    private int eventLine;
    private int eventColumn;
    private String gpuSku = "";
    private String cudaVersion = "";

    public KinetoTraceReader(String nodeId) {
        this.nodeId = nodeId;
    }

    /** Reads without reporting progress. */
    public TraceSummary read(Path file, EventSink sink) {
        return read(file, sink, TraceProgress.NONE);
    }

    @Override
    public TraceSummary read(Path file, EventSink sink, TraceProgress progress) {
        this.file = file;
        try (TraceInput input = TraceInput.open(file);
                JsonParser parser = PARSERS.createParser(input.stream())) {
            parser.setCodec(JSON);
            JsonToken root = parser.nextToken();
            if (root == JsonToken.START_ARRAY) {
                readEvents(parser, sink, progress, input); // a bare array of events (2020)
                return summary(progress, input);
            }
            if (root != JsonToken.START_OBJECT) {
                throw new TraceFormatException(file + ": not a Kineto trace (expected a JSON object or an array of"
                        + " events, found " + root + " at " + position(parser.currentTokenLocation()) + ")");
            }
            boolean sawEvents = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "baseTimeNanoseconds" -> baseNs = parser.getLongValue();
                    case "cuda_driver_version" -> cudaVersion = TraceFacts.cudaVersion(parser.getLongValue());
                    case "deviceProperties" -> gpuSku = firstDeviceName(parser.readValueAsTree());
                    case "traceEvents" -> {
                        sawEvents = true;
                        readEvents(parser, sink, progress, input);
                    }
                    default -> parser.skipChildren();
                }
            }
            if (!sawEvents) {
                throw new TraceFormatException(file + ": not a Kineto trace (no traceEvents array)");
            }
            return summary(progress, input);
        } catch (JsonProcessingException e) {
            throw new TraceFormatException(file + ": cannot read the trace: " + e.getOriginalMessage() + " at "
                    + position(e.getLocation()) + afterEvent(), e);
        } catch (EOFException e) {
            throw new TraceFormatException(file + ": cannot read the trace: the file is truncated (" + e.getMessage()
                    + ")" + afterEvent(), e);
        } catch (IOException e) {
            throw new TraceFormatException(file + ": cannot read the trace (" + e.getMessage() + ")", e);
        }
    }

    private TraceSummary summary(TraceProgress progress, TraceInput input) {
        progress.update(input.bytesRead(), crossings + kernels + memsets);
        long unmatchedCalls = hostCalls.unmatched();
        return new TraceSummary(crossings, kernels, memsets,
                withoutHostCall.values().stream().mapToLong(Long::longValue).sum(), unmatchedCalls, phases.size(),
                new TraceFacts(gpuSku, "", cudaVersion, ""), null, skipped, withoutHostCall);
    }

    private void readEvents(JsonParser parser, EventSink sink, TraceProgress progress, TraceInput input)
            throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new TraceFormatException(file + ": traceEvents is not an array (at "
                    + position(parser.currentTokenLocation()) + ")");
        }
        while (readSome(parser, sink)) {
            progress.update(input.bytesRead(), crossings + kernels + memsets);
        }
        emitWaitingWithoutHostCall(sink);
    }

    /**
     * Reads up to {@value #PROGRESS_EVERY} events; false at the end of the array. In a method of its own, returned
     * from and called again, so the JIT compiles the loop as a whole rather than only replacing it while it runs
     * (one run each on a 2 GB trace: the replaced loop settled at 240 MB/s, the compiled method at 264).
     */
    private boolean readSome(JsonParser parser, EventSink sink) throws IOException {
        for (int i = 0; i < PROGRESS_EVERY; i++) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                return false;
            }
            if (token == null) {
                throw new EOFException("no end to the array of events");
            }
            if (token != JsonToken.START_OBJECT) {
                throw new TraceFormatException(file + ": traceEvents entry " + eventIndex + " at "
                        + position(parser.currentTokenLocation()) + " is not an object (" + token + ")");
            }
            markEventStart(parser);
            event.read(parser);
            handle(event, sink);
            eventIndex++;
        }
        return true;
    }

    private void handle(KinetoEvent event, EventSink sink) {
        String ph = event.ph == null ? "X" : event.ph;
        if (!"X".equals(ph)) {
            skip("'" + ph + "' events (" + PHASE_KINDS.getOrDefault(ph, "not complete events") + ")");
            return;
        }
        if (event.cat == null) {
            skip("complete events without a category");
            return;
        }
        String cat = LEGACY_CATEGORIES.getOrDefault(event.cat, event.cat);
        switch (cat) {
            case "user_annotation" -> PhaseNames.of(event.nameOrEmpty()).ifPresent(
                    phase -> phases.add(startNs(event), endNs(event), phase));
            case "cuda_runtime", "cuda_driver" -> hostCall(event, sink);
            case "gpu_memcpy", "gpu_memset", "kernel" -> gpuActivity(event, cat, sink);
            default -> {
                if (!IGNORED_CATEGORIES.contains(cat)) {
                    skip("category '" + cat + "'");
                }
            }
        }
    }

    private void hostCall(KinetoEvent event, EventSink sink) {
        if (!event.correlationKnown || !isGpuWorkCall(event)) {
            return; // a host call with no GPU side (e.g. cudaStreamSynchronize)
        }
        long id = event.correlation;
        requireHostCallFields(event);
        long start = startNs(event);
        // The name is the text cache's one string for it, shared by every call of that name the table keeps.
        hostCalls.put(id, event.name, event.pid, event.tid, start, endNs(event));
        firstHostCallNs = Math.min(firstHostCallNs, start);
        List<KinetoEvent> waiting = waitingActivities.remove(id);
        if (waiting != null) {
            int slot = hostCalls.slotOf(id);
            waiting.forEach(activity -> emit(slot, activity, id, sink));
        }
    }

    private void gpuActivity(KinetoEvent event, String cat, EventSink sink) {
        if (!event.correlationKnown) {
            throw invalid(cat + " '" + event.nameOrEmpty() + "' without args.correlation");
        }
        String unusable = unusable(event, cat);
        if (unusable != null) {
            skip(unusable);
            return;
        }
        long id = event.correlation;
        int slot = hostCalls.slotOf(id);
        if (slot >= 0) {
            emit(slot, event, id, sink);
            return;
        }
        waitingActivities.computeIfAbsent(id, k -> new ArrayList<>()).add(event.copy());
        waitingOrder.add(id);
        while (waitingOrder.size() > MAX_WAITING_ACTIVITIES) {
            long earliest = waitingOrder.poll();
            List<KinetoEvent> ofItsCall = waitingActivities.remove(earliest);
            if (ofItsCall != null) {
                ofItsCall.forEach(activity -> emitWithoutHostCall(activity, earliest, sink));
            }
        }
    }

    /** At the end of the events: what still waits has no host call in the trace; emitted in GPU start order. */
    private void emitWaitingWithoutHostCall(EventSink sink) {
        List<Map.Entry<Long, KinetoEvent>> waiting = new ArrayList<>();
        waitingActivities.forEach((id, activities) -> activities.forEach(a -> waiting.add(Map.entry(id, a))));
        waitingActivities.clear();
        waitingOrder.clear();
        waiting.sort(Comparator.comparingLong(entry -> startNs(entry.getValue())));
        waiting.forEach(entry -> emitWithoutHostCall(entry.getValue(), entry.getKey(), sink));
    }

    /** A GPU activity whose host call is not in the trace: counted by why, and emitted as seen only on the GPU. */
    private void emitWithoutHostCall(KinetoEvent gpu, long correlation, EventSink sink) {
        String why;
        if (gpu.graphId > 0 || gpu.graphNodeId > 0) {
            why = GRAPH_LAUNCHED;
        } else if (startNs(gpu) < firstHostCallNs) {
            why = "started before the trace's first host call";
        } else {
            why = "host call not in the trace";
        }
        withoutHostCall.merge(why, 1L, Long::sum);
        emit(NO_CALL, gpu, correlation, sink);
    }

    /** Emits the activity with the call in the slot, or without a call ({@link #NO_CALL}). */
    private void emit(int slot, KinetoEvent gpu, long correlation, EventSink sink) {
        HostCall call = slot == NO_CALL ? HostCall.missing(startNs(gpu)) : HostCall.at(hostCalls, slot);
        if (slot != NO_CALL) {
            hostCalls.markJoined(slot);
        }
        String cat = LEGACY_CATEGORIES.getOrDefault(gpu.cat, gpu.cat);
        if (call.launchesGraph() && "gpu_memcpy".equals(cat)) {
            // A copy node of a graph: no call of its own says when the host asked for it.
            withoutHostCall.merge(GRAPH_LAUNCHED, 1L, Long::sum);
            call = HostCall.missing(startNs(gpu));
        }
        switch (cat) {
            case "gpu_memcpy" -> {
                sink.crossing(crossing(call, gpu, correlation));
                crossings++;
            }
            case "gpu_memset" -> {
                sink.kernel(kernel(call, gpu, correlation));
                memsets++;
            }
            default -> {
                sink.kernel(kernel(call, gpu, correlation));
                kernels++;
            }
        }
    }

    /** Checks the fields the conversion needs while the event's position is still known. */
    private void requireHostCallFields(KinetoEvent event) {
        require(event.hasName, event.cat, "name");
        require(event.hasTs, event.cat, "ts");
        require(event.hasDur, event.cat, "dur");
        require(event.hasPid, event.cat, "pid");
        require(event.hasTid, event.cat, "tid");
    }

    /**
     * Why a GPU activity cannot become an event (counted, the rest of the trace read), or null. Its times and
     * place are required: without them the trace is damaged, and that is an error.
     */
    private String unusable(KinetoEvent event, String cat) {
        require(event.hasName, cat, "name");
        require(event.hasTs, cat, "ts");
        require(event.hasDur, cat, "dur");
        if (!event.deviceKnown) {
            throw invalid(cat + " '" + event.nameOrEmpty() + "' without args.device");
        }
        if (!event.streamKnown) {
            throw invalid(cat + " '" + event.nameOrEmpty() + "' without args.stream");
        }
        if ("gpu_memcpy".equals(cat) && copyNames.of(event.name) == null) {
            return "gpu_memcpy named otherwise than 'Memcpy <kind> (<source> -> <destination>)'";
        }
        return null;
    }

    private void skip(String why) {
        skipped.merge(why, 1L, Long::sum);
    }

    private void require(boolean present, String cat, String field) {
        if (!present) {
            throw invalid(cat + " event without '" + field + "'");
        }
    }

    private static boolean isGpuWorkCall(KinetoEvent event) {
        String name = event.nameOrEmpty();
        return name.contains("emcpy") || name.contains("emset") || name.contains("aunch");
    }

    /*
     * The events are made with their setters, every field set, not with builders: a builder checks and copies each
     * field again on build(), a fifth of the reader's time. The schema's defaults are set explicitly.
     */
    private Crossing crossing(HostCall host, KinetoEvent gpu, long correlation) {
        CopyNames.Copy copy = copyNames.of(gpu.name);
        if (copy == null) {
            throw invalid("gpu_memcpy with an unknown name '" + gpu.name + "' (correlation " + correlation + ")");
        }
        Crossing c = new Crossing();
        c.setNodeId(nodeId);
        c.setGpuIndex((int) gpu.device);
        c.setPid(host.pid());
        c.setTid(host.tid());
        c.setContextId(gpu.context);
        c.setStreamId(gpu.stream);
        c.setCorrelationId(correlation);
        c.setApi(host.name());
        c.setDirection(copy.direction());
        c.setHostMemory(copy.hostMemory());
        // Some ROCm copies carry no size: counted and timed, with bytes unknown.
        c.setBytes(gpu.bytes);
        c.setBytesKnown(gpu.bytesKnown);
        c.setAsyncRequested(host.recorded() && host.name().contains("Async"));
        c.setHostCall(host.recorded());
        c.setApiStartNs(host.startNs());
        c.setApiEndNs(host.endNs());
        c.setGpuStartNs(startNs(gpu));
        c.setGpuEndNs(endNs(gpu));
        c.setHostSyncEndNs(null);
        c.setPhase(phases.at(host.startNs()));
        c.setStatusCode(0);
        return c;
    }

    private KernelExec kernel(HostCall host, KinetoEvent gpu, long correlation) {
        KernelExec k = new KernelExec();
        k.setNodeId(nodeId);
        k.setGpuIndex((int) gpu.device);
        k.setPid(host.pid());
        k.setTid(host.tid());
        k.setContextId(gpu.context);
        k.setStreamId(gpu.stream);
        k.setCorrelationId(correlation);
        k.setKernelName(gpu.name);
        k.setGrid(gpu.grid);
        k.setBlock(gpu.block);
        k.setGraphId(gpu.graphId > 0 ? gpu.graphId : null);
        k.setApiStartNs(host.startNs());
        k.setApiEndNs(host.endNs());
        k.setGpuStartNs(startNs(gpu));
        k.setGpuEndNs(endNs(gpu));
        k.setPhase(phases.at(host.startNs()));
        k.setHostCall(host.recorded());
        return k;
    }

    /** What a GPU activity needs of its host call. */
    private record HostCall(String name, int pid, long tid, long startNs, long endNs, boolean recorded) {
        static HostCall at(HostCallTable table, int slot) {
            return new HostCall(table.name(slot), table.pid(slot), table.tid(slot), table.startNs(slot),
                    table.endNs(slot), true);
        }

        /** A graph launch (cudaGraphLaunch, cuGraphLaunch): the call of every copy and kernel of its graph. */
        boolean launchesGraph() {
            return name.contains("GraphLaunch");
        }

        /** No call recorded: the host times stand at the GPU start (the schema's host_call false). */
        static HostCall missing(long gpuStartNs) {
            return new HostCall("", 0, 0, gpuStartNs, gpuStartNs, false);
        }
    }

    private long startNs(KinetoEvent event) {
        return baseNs + event.tsNs;
    }

    private long endNs(KinetoEvent event) {
        return startNs(event) + event.durNs;
    }

    private static String firstDeviceName(JsonNode devices) {
        return devices.isArray() && !devices.isEmpty() ? devices.get(0).path("name").asText("") : "";
    }

    private TraceFormatException invalid(String reason) {
        return new TraceFormatException(file + ": traceEvents entry " + eventIndex + " at line " + eventLine
                + ", column " + eventColumn + ": " + reason);
    }

    private String afterEvent() {
        return eventIndex == 0 ? "" : " (after " + eventIndex + " trace events)";
    }

    /**
     * Notes where the event starts without a location object per event (6% of the reading): the byte parser, which
     * reads every file this reader opens, has the numbers its locations carry (the column one below its own count).
     */
    private void markEventStart(JsonParser parser) {
        if (parser instanceof UTF8StreamJsonParser bytes) {
            eventLine = bytes.getTokenLineNr();
            eventColumn = bytes.getTokenColumnNr() - 1;
        } else {
            JsonLocation location = parser.currentTokenLocation();
            eventLine = location.getLineNr();
            eventColumn = location.getColumnNr();
        }
    }

    private static String position(JsonLocation location) {
        if (location == null) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
