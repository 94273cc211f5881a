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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a PyTorch profiler (Kineto) Chrome-trace JSON file, plain or gzipped, into Crossing and KernelExec events
 * (FORMATS.md section 2). The file is streamed event by event, so memory holds only the events still waiting for
 * their other side: a host {@code cuda_runtime}/{@code cuda_driver} call and its GPU {@code gpu_memcpy},
 * {@code gpu_memset} or {@code kernel} activity are joined by {@code args.correlation} (Kineto writes the two next
 * to each other). Times are {@code ts}/{@code dur} (microseconds with nanosecond decimals) after
 * {@code baseTimeNanoseconds}. Phases come from {@code user_annotation} ranges whose names name one
 * ({@link PhaseNames}); Kineto writes the CPU-side events, annotations included, before the activity records.
 * A memset is GPU work that crosses no bridge: it becomes a KernelExec named after it ({@code Memset (Device)}).
 */
public final class KinetoTraceReader implements TraceReader {
    private static final Pattern MEMCPY = Pattern.compile("Memcpy (\\w+) \\((.+) -> (.+)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROGRESS_EVERY = 8192;
    /** The categories Kineto writes (FORMATS.md section 2); anything else is not a Kineto trace we understand. */
    private static final Set<String> KNOWN_CATEGORIES = Set.of("cpu_op", "user_annotation", "gpu_user_annotation",
            "gpu_memcpy", "gpu_memset", "kernel", "external_correlation", "cuda_runtime", "cuda_driver",
            "cpu_instant_event", "python_function", "overhead", "mtia_runtime", "mtia_ccp_events", "mtia_insight",
            "cuda_sync", "cuda_event", "mtia_counters", "glow_runtime", "cuda_profiler_range", "hpu_op",
            "xpu_runtime", "xpu_driver", "collective_comm", "privateuse1_runtime", "privateuse1_driver",
            "xpu_scope_profiler", "xpu_sync", "hardware_counters", "ac2g", "fwdbwd", "Trace");

    private final String nodeId;
    private final Map<Long, JsonNode> hostCalls = new HashMap<>();
    private final Map<Long, JsonNode> gpuActivities = new HashMap<>();
    private final PhaseRanges phases = new PhaseRanges();
    private Path file;
    private long baseNs;
    private long crossings;
    private long kernels;
    private long memsets;
    private long eventIndex;
    private JsonLocation eventLocation;
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
                JsonParser parser = new JsonFactory().createParser(input.stream())) {
            parser.setCodec(JSON);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new TraceFormatException(file + ": not a Kineto trace (expected a JSON object, found "
                        + parser.currentToken() + " at " + position(parser.currentTokenLocation()) + ")");
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
            progress.update(input.bytesRead(), crossings + kernels + memsets);
        } catch (JsonProcessingException e) {
            throw new TraceFormatException(file + ": cannot read the trace: " + e.getOriginalMessage() + " at "
                    + position(e.getLocation()) + afterEvent(), e);
        } catch (EOFException e) {
            throw new TraceFormatException(file + ": cannot read the trace: the file is truncated (" + e.getMessage()
                    + ")" + afterEvent(), e);
        } catch (IOException e) {
            throw new TraceFormatException(file + ": cannot read the trace (" + e.getMessage() + ")", e);
        }
        return new TraceSummary(crossings, kernels, memsets, gpuActivities.size(), hostCalls.size(), phases.size(),
                new TraceFacts(gpuSku, "", cudaVersion, ""));
    }

    private void readEvents(JsonParser parser, EventSink sink, TraceProgress progress, TraceInput input)
            throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new TraceFormatException(file + ": traceEvents is not an array (at "
                    + position(parser.currentTokenLocation()) + ")");
        }
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                throw new TraceFormatException(file + ": traceEvents entry " + eventIndex + " at "
                        + position(parser.currentTokenLocation()) + " is not an object (" + token + ")");
            }
            eventLocation = parser.currentTokenLocation();
            JsonNode event = parser.readValueAsTree();
            handle(event, sink);
            if (++eventIndex % PROGRESS_EVERY == 0) {
                progress.update(input.bytesRead(), crossings + kernels + memsets);
            }
        }
    }

    private void handle(JsonNode event, EventSink sink) {
        JsonNode category = event.get("cat");
        if (category == null) {
            return; // metadata ("ph": "M"): process and thread names
        }
        String cat = category.asText();
        switch (cat) {
            case "user_annotation" -> PhaseNames.of(text(event, "name")).ifPresent(
                    phase -> phases.add(startNs(event), endNs(event), phase));
            case "cuda_runtime", "cuda_driver" -> pair(event, hostCalls, gpuActivities, sink, true);
            case "gpu_memcpy", "gpu_memset", "kernel" -> pair(event, gpuActivities, hostCalls, sink, false);
            default -> {
                if (!KNOWN_CATEGORIES.contains(cat)) {
                    throw invalid("unknown event category '" + cat + "'");
                }
            }
        }
    }

    private void pair(JsonNode event, Map<Long, JsonNode> mine, Map<Long, JsonNode> theirs, EventSink sink,
            boolean host) {
        JsonNode correlation = event.path("args").path("correlation");
        if (!correlation.canConvertToLong()) {
            if (!host) {
                throw invalid(event.path("cat").asText() + " '" + event.path("name").asText()
                        + "' without args.correlation");
            }
            return; // a host call with no GPU side (e.g. cudaStreamSynchronize)
        }
        long id = correlation.asLong();
        JsonNode other = theirs.remove(id);
        if (other == null) {
            if (!host || isGpuWorkCall(event)) {
                mine.put(id, validated(event, host));
            }
            return;
        }
        JsonNode hostCall = host ? validated(event, true) : other;
        JsonNode gpu = host ? other : validated(event, false);
        switch (gpu.path("cat").asText()) {
            case "gpu_memcpy" -> {
                sink.crossing(crossing(hostCall, gpu, id));
                crossings++;
            }
            case "gpu_memset" -> {
                sink.kernel(kernel(hostCall, gpu, id));
                memsets++;
            }
            default -> {
                sink.kernel(kernel(hostCall, gpu, id));
                kernels++;
            }
        }
    }

    /** Checks the fields the conversion needs while the event's position is still known. */
    private JsonNode validated(JsonNode event, boolean host) {
        String cat = event.path("cat").asText();
        require(event, cat, "name");
        require(event, cat, "ts");
        require(event, cat, "dur");
        if (host) {
            require(event, cat, "pid");
            require(event, cat, "tid");
        } else {
            for (String field : new String[] {"device", "stream"}) {
                if (!event.path("args").path(field).canConvertToLong()) {
                    throw invalid(cat + " '" + event.path("name").asText() + "' without args." + field);
                }
            }
            if (!"kernel".equals(cat) && !event.path("args").path("bytes").canConvertToLong()) {
                throw invalid(cat + " '" + event.path("name").asText() + "' without args.bytes");
            }
            if ("gpu_memcpy".equals(cat) && !MEMCPY.matcher(event.path("name").asText()).matches()) {
                throw invalid("gpu_memcpy with an unknown name '" + event.path("name").asText() + "'");
            }
        }
        return event;
    }

    private void require(JsonNode event, String cat, String field) {
        if (event.get(field) == null || event.get(field).isNull()) {
            throw invalid(cat + " event without '" + field + "'");
        }
    }

    private static boolean isGpuWorkCall(JsonNode event) {
        String name = event.path("name").asText("");
        return name.contains("emcpy") || name.contains("emset") || name.contains("aunch");
    }

    private Crossing crossing(JsonNode host, JsonNode gpu, long correlation) {
        String name = gpu.path("name").asText();
        Matcher m = MEMCPY.matcher(name);
        if (!m.matches()) {
            throw invalid("gpu_memcpy with an unknown name '" + name + "' (correlation " + correlation + ")");
        }
        Direction direction = switch (m.group(1)) {
            case "HtoD" -> Direction.H2D;
            case "DtoH" -> Direction.D2H;
            case "DtoD" -> Direction.D2D;
            case "PtoP" -> Direction.P2P;
            default -> Direction.UNKNOWN;
        };
        String hostSide = direction == Direction.D2H ? m.group(3) : m.group(2);
        JsonNode args = gpu.path("args");
        long apiStart = startNs(host);
        return Crossing.newBuilder().setNodeId(nodeId).setGpuIndex(args.path("device").asInt())
                .setPid(host.path("pid").asInt()).setTid(host.path("tid").asLong())
                .setContextId(args.path("context").asLong()).setStreamId(args.path("stream").asLong())
                .setCorrelationId(correlation).setApi(host.path("name").asText())
                .setDirection(direction).setHostMemory(hostMemory(hostSide)).setBytes(args.path("bytes").asLong())
                .setAsyncRequested(host.path("name").asText().contains("Async"))
                .setApiStartNs(apiStart).setApiEndNs(endNs(host))
                .setGpuStartNs(startNs(gpu)).setGpuEndNs(endNs(gpu)).setPhase(phases.at(apiStart)).build();
    }

    private KernelExec kernel(JsonNode host, JsonNode gpu, long correlation) {
        JsonNode args = gpu.path("args");
        long apiStart = startNs(host);
        KernelExec.Builder k = KernelExec.newBuilder().setNodeId(nodeId).setGpuIndex(args.path("device").asInt())
                .setPid(host.path("pid").asInt()).setTid(host.path("tid").asLong())
                .setContextId(args.path("context").asLong()).setStreamId(args.path("stream").asLong())
                .setCorrelationId(correlation).setKernelName(gpu.path("name").asText())
                .setGrid(ints(args.path("grid"))).setBlock(ints(args.path("block")))
                .setApiStartNs(apiStart).setApiEndNs(endNs(host))
                .setGpuStartNs(startNs(gpu)).setGpuEndNs(endNs(gpu)).setPhase(phases.at(apiStart));
        if (args.path("graph id").canConvertToLong() && args.path("graph id").asLong() > 0) {
            k.setGraphId(args.path("graph id").asLong());
        }
        return k.build();
    }

    static HostMemoryKind hostMemory(String side) {
        return switch (side) {
            case "Pageable" -> HostMemoryKind.PAGEABLE;
            case "Pinned" -> HostMemoryKind.PINNED;
            case "Managed", "Managed Static" -> HostMemoryKind.MANAGED;
            case "Device", "Device Static", "Array" -> HostMemoryKind.DEVICE;
            default -> HostMemoryKind.UNKNOWN;
        };
    }

    private long startNs(JsonNode event) {
        return baseNs + Math.round(event.path("ts").asDouble() * 1000);
    }

    private long endNs(JsonNode event) {
        return startNs(event) + Math.round(event.path("dur").asDouble() * 1000);
    }

    private static String text(JsonNode event, String field) {
        return event.path(field).asText("");
    }

    private static String firstDeviceName(JsonNode devices) {
        return devices.isArray() && !devices.isEmpty() ? devices.get(0).path("name").asText("") : "";
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }

    private TraceFormatException invalid(String reason) {
        return new TraceFormatException(file + ": traceEvents entry " + eventIndex + " at "
                + position(eventLocation) + ": " + reason);
    }

    private String afterEvent() {
        return eventIndex == 0 ? "" : " (after " + eventIndex + " trace events)";
    }

    private static String position(JsonLocation location) {
        if (location == null) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
