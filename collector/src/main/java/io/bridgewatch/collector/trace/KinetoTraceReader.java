package io.bridgewatch.collector.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.collector.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads a PyTorch profiler (Kineto) Chrome-trace JSON file, plain or gzipped, into Crossing and KernelExec events
 * (FORMATS.md section 2). The file is streamed event by event, so memory holds only the events still waiting for
 * their other side: a host {@code cuda_runtime}/{@code cuda_driver} call and its GPU {@code gpu_memcpy},
 * {@code gpu_memset} or {@code kernel} activity are joined by {@code args.correlation}. Times are {@code ts}/{@code dur}
 * (microseconds with nanosecond decimals) after {@code baseTimeNanoseconds}.
 */
public final class KinetoTraceReader {
    private static final Pattern MEMCPY = Pattern.compile("Memcpy (\\w+) \\((.+) -> (.+)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was read: events emitted, and GPU activities that never met their host call (and why that matters). */
    public record Summary(long crossings, long kernels, long unmatchedGpuActivities, long unmatchedHostCalls) {
    }

    private final String nodeId;
    private final Map<Long, JsonNode> hostCalls = new HashMap<>();
    private final Map<Long, JsonNode> gpuActivities = new HashMap<>();
    private long baseNs;
    private long crossings;
    private long kernels;

    public KinetoTraceReader(String nodeId) {
        this.nodeId = nodeId;
    }

    public Summary read(Path file, EventSink sink) {
        try (InputStream in = open(file); JsonParser parser = new JsonFactory().createParser(in)) {
            parser.setCodec(JSON);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new TraceFormatException(file + ": not a Kineto trace (expected a JSON object)");
            }
            boolean sawEvents = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "baseTimeNanoseconds" -> baseNs = parser.getLongValue();
                    case "traceEvents" -> {
                        sawEvents = true;
                        readEvents(file, parser, sink);
                    }
                    default -> parser.skipChildren();
                }
            }
            if (!sawEvents) {
                throw new TraceFormatException(file + ": not a Kineto trace (no traceEvents array)");
            }
        } catch (IOException e) {
            throw new TraceFormatException(file + ": cannot read the trace (" + e.getMessage() + ")", e);
        }
        return new Summary(crossings, kernels, gpuActivities.size(), hostCalls.size());
    }

    private void readEvents(Path file, JsonParser parser, EventSink sink) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new TraceFormatException(file + ": traceEvents is not an array");
        }
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            JsonNode event = parser.readValueAsTree();
            String cat = event.path("cat").asText("");
            switch (cat) {
                case "cuda_runtime", "cuda_driver" -> pair(event, hostCalls, gpuActivities, sink, true);
                case "gpu_memcpy", "kernel" -> pair(event, gpuActivities, hostCalls, sink, false);
                default -> {
                    // Other categories (cpu_op, annotations, flows, memset, ...) carry no crossing of their own.
                }
            }
        }
    }

    private void pair(JsonNode event, Map<Long, JsonNode> mine, Map<Long, JsonNode> theirs, EventSink sink,
            boolean host) {
        JsonNode correlation = event.path("args").path("correlation");
        if (!correlation.canConvertToLong()) {
            return; // a host call with no GPU side (e.g. cudaStreamSynchronize) or a malformed record
        }
        long id = correlation.asLong();
        JsonNode other = theirs.remove(id);
        if (other == null) {
            if (host && !isGpuWorkCall(event)) {
                return;
            }
            mine.put(id, event);
            return;
        }
        JsonNode hostCall = host ? event : other;
        JsonNode gpu = host ? other : event;
        if ("gpu_memcpy".equals(gpu.path("cat").asText())) {
            sink.crossing(crossing(hostCall, gpu, id));
            crossings++;
        } else {
            sink.kernel(kernel(hostCall, gpu, id));
            kernels++;
        }
    }

    private static boolean isGpuWorkCall(JsonNode event) {
        String name = event.path("name").asText("");
        return name.contains("Memcpy") || name.contains("memcpy") || name.contains("Launch") || name.contains("launch");
    }

    private Crossing crossing(JsonNode host, JsonNode gpu, long correlation) {
        String name = gpu.path("name").asText();
        Matcher m = MEMCPY.matcher(name);
        if (!m.matches()) {
            throw new TraceFormatException("gpu_memcpy with an unknown name '" + name + "' (correlation "
                    + correlation + ")");
        }
        Direction direction = switch (m.group(1)) {
            case "HtoD" -> Direction.H2D;
            case "DtoH" -> Direction.D2H;
            case "DtoD" -> Direction.D2D;
            case "PtoP" -> Direction.P2P;
            default -> throw new TraceFormatException("gpu_memcpy of kind " + m.group(1) + " is not a crossing");
        };
        String hostSide = direction == Direction.D2H ? m.group(3) : m.group(2);
        JsonNode args = gpu.path("args");
        return Crossing.newBuilder().setNodeId(nodeId).setGpuIndex(args.path("device").asInt(gpu.path("pid").asInt()))
                .setPid(host.path("pid").asInt()).setTid(host.path("tid").asLong())
                .setContextId(args.path("context").asLong()).setStreamId(args.path("stream").asLong())
                .setCorrelationId(correlation).setApi(host.path("name").asText())
                .setDirection(direction).setHostMemory(hostMemory(hostSide)).setBytes(args.path("bytes").asLong())
                .setAsyncRequested(host.path("name").asText().contains("Async"))
                .setApiStartNs(startNs(host)).setApiEndNs(endNs(host))
                .setGpuStartNs(startNs(gpu)).setGpuEndNs(endNs(gpu)).build();
    }

    private KernelExec kernel(JsonNode host, JsonNode gpu, long correlation) {
        JsonNode args = gpu.path("args");
        KernelExec.Builder k = KernelExec.newBuilder().setNodeId(nodeId)
                .setGpuIndex(args.path("device").asInt(gpu.path("pid").asInt()))
                .setPid(host.path("pid").asInt()).setTid(host.path("tid").asLong())
                .setContextId(args.path("context").asLong()).setStreamId(args.path("stream").asLong())
                .setCorrelationId(correlation).setKernelName(gpu.path("name").asText())
                .setGrid(ints(args.path("grid"))).setBlock(ints(args.path("block")))
                .setApiStartNs(startNs(host)).setApiEndNs(endNs(host))
                .setGpuStartNs(startNs(gpu)).setGpuEndNs(endNs(gpu));
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

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16)
                : in;
    }
}
