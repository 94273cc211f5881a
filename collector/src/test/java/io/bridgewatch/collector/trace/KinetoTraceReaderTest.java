package io.bridgewatch.collector.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.collector.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KinetoTraceReaderTest {
    private static final Path TRACE = Path.of(System.getProperty("bridgewatch.shared.dir", "../../shared"))
            .resolve("data/h200-decode-trace.json.gz");

    /** Collects what the reader emits. */
    private static final class Capture implements EventSink {
        final List<Crossing> crossings = new ArrayList<>();
        final List<KernelExec> kernels = new ArrayList<>();

        @Override
        public void nodeInfo(NodeInfo info) {
        }

        @Override
        public void crossing(Crossing crossing) {
            crossings.add(crossing);
        }

        @Override
        public void kernel(KernelExec kernel) {
            kernels.add(kernel);
        }

        @Override
        public void serving(ServingSample sample) {
        }
    }

    @Test
    void shouldJoinEveryMemcpyOfTheH200TraceToItsHostCallWithTheTracesCountsAndBytes() throws Exception {
        assumeTrue(Files.exists(TRACE), "the shared H200 trace is not beside this checkout");
        // Expectations straight from the JSON, independently of the reader: per name, count and bytes.
        JsonNode trace;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(TRACE))) {
            trace = new ObjectMapper().readTree(in);
        }
        Map<String, long[]> expected = new TreeMap<>();
        long kernels = 0;
        for (JsonNode e : trace.get("traceEvents")) {
            if ("gpu_memcpy".equals(e.path("cat").asText())) {
                String name = e.get("name").asText();
                String key = name.contains("HtoD") ? "H2D " : "D2H ";
                key += name.contains("Pinned") ? "PINNED" : name.contains("Pageable") ? "PAGEABLE" : "OTHER";
                long[] totals = expected.computeIfAbsent(key, k -> new long[2]);
                totals[0]++;
                totals[1] += e.at("/args/bytes").asLong();
            } else if ("kernel".equals(e.path("cat").asText())) {
                kernels++;
            }
        }

        Capture capture = new Capture();
        KinetoTraceReader.Summary summary = new KinetoTraceReader("h200-trace").read(TRACE, capture);

        Map<String, long[]> actual = new TreeMap<>();
        for (Crossing c : capture.crossings) {
            long[] totals = actual.computeIfAbsent(c.getDirection() + " " + c.getHostMemory(), k -> new long[2]);
            totals[0]++;
            totals[1] += c.getBytes();
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, totals) -> assertThat(actual.get(key)).as(key).containsExactly(totals));
        assertThat(summary.unmatchedGpuActivities()).as("every GPU activity joined to its host call").isZero();
        assertThat(capture.kernels).hasSize((int) kernels);
        Crossing first = capture.crossings.get(0);
        assertThat(first.getApi()).isEqualTo("cudaMemcpyAsync");
        assertThat(first.getGpuStartNs()).isGreaterThanOrEqualTo(first.getApiStartNs());
        assertThat(first.getApiStartNs()).isGreaterThan(trace.get("baseTimeNanoseconds").asLong());
    }

    @Test
    void shouldSayWhatIsWrongWithAFileThatIsNotATrace(@TempDir Path dir) throws Exception {
        Path notATrace = dir.resolve("list.json");
        Files.writeString(notATrace, "[1, 2, 3]");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(notATrace, new Capture()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("expected a JSON object");
        Path noEvents = dir.resolve("empty.json");
        Files.writeString(noEvents, "{\"schemaVersion\": 1}");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(noEvents, new Capture()))
                .hasMessageContaining("no traceEvents array");
        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, "{\"baseTimeNanoseconds\": 0, \"traceEvents\": [{\"ph\": \"X\", \"cat\"");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(truncated, new Capture()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("truncated.json")
                .hasMessageContaining("cannot read the trace");
    }
}
