package io.bridgewatch.collector.trace;

import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.Phase;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KinetoTraceReaderTest {
    /** The real H200 trace (a copy of shared/data/h200-decode-trace.json.gz, see the README beside it). */
    static final Path TRACE = Path.of("src/test/resources/traces/h200-decode-trace.json.gz");

    @Test
    void shouldJoinEveryMemcpyOfTheH200TraceToItsHostCallWithTheTracesCountsAndBytes() throws Exception {
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

        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("h200-trace").read(TRACE, capture);

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
        // Every copy and kernel of the loop ran inside a record_function("decode_step") range.
        assertThat(capture.crossings).allSatisfy(c -> assertThat(c.getPhase()).isEqualTo(Phase.DECODE));
        assertThat(capture.kernels).allSatisfy(k -> assertThat(k.getPhase()).isEqualTo(Phase.DECODE));
        assertThat(summary.facts().gpuSku()).isEqualTo("NVIDIA H200");
        assertThat(summary.facts().cudaVersion()).isEqualTo("13.0");
    }

    @Test
    void shouldSayWhatIsWrongWithAFileThatIsNotATrace(@TempDir Path dir) throws Exception {
        Path notATrace = dir.resolve("list.json");
        Files.writeString(notATrace, "[1, 2, 3]");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(notATrace, new CapturingSink()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("expected a JSON object");
        Path noEvents = dir.resolve("empty.json");
        Files.writeString(noEvents, "{\"schemaVersion\": 1}");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(noEvents, new CapturingSink()))
                .hasMessageContaining("no traceEvents array");
        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, "{\"baseTimeNanoseconds\": 0, \"traceEvents\": [{\"ph\": \"X\", \"cat\"");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(truncated, new CapturingSink()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("truncated.json")
                .hasMessageContaining("cannot read the trace");
    }

    @Test
    void shouldJoinAMemsetToItsHostCallAsGpuWorkAndTakeThePhaseOfTheInnermostRange(@TempDir Path dir)
            throws Exception {
        Path trace = dir.resolve("memset.json");
        Files.writeString(trace, """
                {"baseTimeNanoseconds": 1000000000, "traceEvents": [
                  {"ph": "X", "cat": "user_annotation", "name": "step", "pid": 1, "tid": 1, "ts": 0, "dur": 100},
                  {"ph": "X", "cat": "user_annotation", "name": "kv_restore", "pid": 1, "tid": 1, "ts": 10,
                   "dur": 20},
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemsetAsync", "pid": 1, "tid": 1, "ts": 12,
                   "dur": 2, "args": {"correlation": 7}},
                  {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 15,
                   "dur": 1.5, "args": {"device": 0, "context": 1, "stream": 7, "correlation": 7, "bytes": 4096}},
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemcpyAsync", "pid": 1, "tid": 1, "ts": 50,
                   "dur": 5, "args": {"correlation": 8}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 7,
                   "ts": 56, "dur": 3, "args": {"device": 0, "context": 1, "stream": 7, "correlation": 8,
                   "bytes": 65536}}
                ]}""");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("n").read(trace, capture);

        assertThat(summary.memsets()).isEqualTo(1);
        KernelExec memset = capture.kernels.get(0);
        assertThat(memset.getKernelName()).isEqualTo("Memset (Device)");
        assertThat(memset.getApiStartNs()).isEqualTo(1_000_012_000L);
        assertThat(memset.getGpuEndNs()).isEqualTo(1_000_016_500L);
        assertThat(memset.getPhase()).isEqualTo(Phase.KV_RESTORE);
        assertThat(capture.crossings.get(0).getPhase()).as("outside kv_restore; 'step' names no phase").isNull();
    }

    @Test
    void shouldNameThePositionAndTheReasonOfABadEvent(@TempDir Path dir) throws Exception {
        Path unknownCategory = dir.resolve("unknown.json");
        Files.writeString(unknownCategory, """
                {"traceEvents": [
                  {"ph": "X", "cat": "cpu_op", "name": "aten::add", "pid": 1, "tid": 1, "ts": 0, "dur": 1},
                  {"ph": "X", "cat": "quantum_op", "name": "x", "ts": 0, "dur": 1}
                ]}""");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(unknownCategory, new CapturingSink()))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("traceEvents entry 1 at line 3, column 3")
                .hasMessageContaining("unknown event category 'quantum_op'");
        Path missingBytes = dir.resolve("missing.json");
        Files.writeString(missingBytes, """
                {"traceEvents": [
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "ts": 1, "dur": 1,
                   "args": {"device": 0, "stream": 7, "correlation": 3}}
                ]}""");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(missingBytes, new CapturingSink()))
                .hasMessageContaining("entry 0 at line 2").hasMessageContaining("without args.bytes");
        Path truncatedGzip = dir.resolve("truncated.json.gz");
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(("{\"traceEvents\": [" + "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"op\"},".repeat(5000)
                    + "{}]}").getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = gzipped.toByteArray();
        Files.write(truncatedGzip, Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(truncatedGzip, new CapturingSink()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("the file is truncated")
                .hasMessageContaining("after ");
    }
}
