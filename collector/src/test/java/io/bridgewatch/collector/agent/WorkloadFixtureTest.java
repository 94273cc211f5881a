package io.bridgewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.collector.input.TraceInput;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.collector.trace.CapturingSink;
import io.bridgewatch.collector.trace.KinetoTraceReader;
import io.bridgewatch.schema.Crossing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The bridge workload on the H200 (collector/native/bench/bridge_workload.py: two streams, one stream, a copy beside
 * compute, four threads, a CUDA graph, a size sweep; src/test/resources/agent/README.md): what the workload issued,
 * per direction and host memory, against what the agent saw in either mode and what torch.profiler saw.
 */
class WorkloadFixtureTest {
    private static final String GRAPH = "launched by a CUDA graph";

    @Test
    void shouldJoinEveryIssuedCopyToItsGpuActivityInCuptiMode() throws Exception {
        Issued issued = Issued.of("cupti");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new AgentTraceReader("h200").read(resource("workload-cupti.bwr.gz"), capture,
                TraceProgress.NONE);

        List<Crossing> joined = select(capture.crossings, c -> c.getHostCall() && c.getGpuStartNs() != null);
        assertThat(perPath(joined)).isEqualTo(issued.copies);
        assertThat(bytesPerPath(joined)).isEqualTo(issued.bytes);
        // The graph's copies run without a call of their own: seen on the GPU, counted apart, by why.
        List<Crossing> gpuOnly = select(capture.crossings, c -> !c.getHostCall());
        assertThat(perPath(gpuOnly)).isEqualTo(issued.graphCopies);
        assertThat(summary.withoutHostCall()).containsEntry(GRAPH, (long) gpuOnly.size());
        // What is left: the copies captured into the graph (calls whose work runs only in the graph).
        assertThat(select(capture.crossings, c -> c.getHostCall() && c.getGpuStartNs() == null)).hasSize(2);
    }

    @Test
    void shouldSeeTheCopiesTheWorkloadIssuedInTheProfilersTrace() throws Exception {
        Issued issued = Issued.of("interposition+profiler");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("h200").read(resource("workload-kineto.json.gz"), capture,
                TraceProgress.NONE);

        List<Crossing> withCall = select(capture.crossings, Crossing::getHostCall);
        assertThat(perPath(withCall)).isEqualTo(issued.copies);
        assertThat(bytesPerPath(withCall)).isEqualTo(issued.bytes);
        assertThat(perPath(select(capture.crossings, c -> !c.getHostCall()))).isEqualTo(issued.graphCopies);
        assertThat(summary.withoutHostCall()).isEqualTo(Map.of(GRAPH, 200L));
    }

    @Test
    void shouldRecordEveryCopyCallInInterpositionMode() throws Exception {
        Issued issued = Issued.of("interposition+profiler");
        CapturingSink capture = new CapturingSink();
        new AgentTraceReader("h200").read(resource("workload-interposition.bwr.gz"), capture, TraceProgress.NONE);

        // Every call, the two captured into the graph included; the graph's replays are invisible to interposition.
        Map<String, Long> calls = new TreeMap<>(issued.copies);
        calls.merge("H2D PINNED", 1L, Long::sum);
        calls.merge("D2H PINNED", 1L, Long::sum);
        assertThat(perPath(capture.crossings)).isEqualTo(calls);
        assertThat(capture.crossings).allSatisfy(c -> assertThat(c.getGpuStartNs()).isNull());
    }

    @Test
    void shouldHandOverGpuActivityWithinAFractionOfASecond() throws Exception {
        // CUPTI's own periodic flush returns full buffers only; the agent asks for completed ones every 250 ms.
        long[] latestCallNs = {Long.MIN_VALUE};
        List<Long> lagsNs = new ArrayList<>();
        try (TraceInput input = TraceInput.open(resource("workload-cupti.bwr.gz"))) {
            new AgentRecordReader(input.stream()).readAll(record -> {
                if (record instanceof AgentRecord.Event event && !event.gpu()) {
                    latestCallNs[0] = Math.max(latestCallNs[0], event.startNs());
                } else if (record instanceof AgentRecord.Event event) {
                    lagsNs.add(latestCallNs[0] - event.startNs());
                }
            });
        }
        assertThat(lagsNs).hasSizeGreaterThan(3000).allSatisfy(lag -> assertThat(lag).isLessThan(1_000_000_000L));
    }

    /** What the workload issued through the API (per segment in workload-issued.jsonl), and what its graph ran. */
    private record Issued(Map<String, Long> copies, Map<String, Long> bytes, Map<String, Long> graphCopies) {
        static Issued of(String label) throws Exception {
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(resource("workload-issued.jsonl"))) {
                JsonNode run = json.readTree(line);
                if (!run.path("label").asText().equals(label)) {
                    continue;
                }
                Map<String, Long> copies = new TreeMap<>();
                Map<String, Long> bytes = new TreeMap<>();
                for (JsonNode segment : run.path("segments")) {
                    segment.path("issued").fields().forEachRemaining(path -> {
                        copies.merge(path.getKey(), path.getValue().path("copies").asLong(), Long::sum);
                        bytes.merge(path.getKey(), path.getValue().path("bytes").asLong(), Long::sum);
                    });
                }
                Map<String, Long> graph = new TreeMap<>();
                long replays = run.path("graph_replays").asLong();
                run.path("graph_copies_per_replay").fields()
                        .forEachRemaining(path -> graph.put(path.getKey(), path.getValue().asLong() * replays));
                return new Issued(copies, bytes, graph);
            }
            throw new AssertionError("no run labelled " + label);
        }
    }

    private static List<Crossing> select(List<Crossing> crossings, Predicate<Crossing> which) {
        return crossings.stream().filter(which).toList();
    }

    private static Map<String, Long> perPath(List<Crossing> crossings) {
        Map<String, Long> counts = new TreeMap<>();
        crossings.forEach(c -> counts.merge(path(c), 1L, Long::sum));
        return counts;
    }

    private static Map<String, Long> bytesPerPath(List<Crossing> crossings) {
        Map<String, Long> bytes = new TreeMap<>();
        crossings.forEach(c -> bytes.merge(path(c), c.getBytes(), Long::sum));
        return bytes;
    }

    private static String path(Crossing c) {
        return c.getDirection() + " " + c.getHostMemory();
    }

    private static Path resource(String name) throws Exception {
        return Path.of(WorkloadFixtureTest.class.getResource("/agent/" + name).toURI());
    }
}
