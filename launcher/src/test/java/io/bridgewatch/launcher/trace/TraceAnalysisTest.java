package io.bridgewatch.launcher.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.collector.input.TraceProgress;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceAnalysisTest {
    private static final Path H200_TRACE = Path.of(System.getProperty("bridgewatch.repo.dir", ".."))
            .resolve("collector/src/test/resources/traces/h200-decode-trace.json.gz");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldReportTheH200TracesCrossingsPerDirectionAndHostMemoryAsTheTraceHasThem() throws Exception {
        // Expected counts and bytes straight from the JSON, independently of the importer.
        Map<String, long[]> expected = new TreeMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(H200_TRACE))) {
            for (JsonNode e : JSON.readTree(in).get("traceEvents")) {
                if ("gpu_memcpy".equals(e.path("cat").asText())) {
                    String name = e.get("name").asText();
                    String key = (name.contains("HtoD") ? "H2D" : "D2H") + " "
                            + (name.contains("(Pinned") || name.contains("-> Pinned") ? "PINNED" : "PAGEABLE");
                    long[] totals = expected.computeIfAbsent(key, k -> new long[2]);
                    totals[0]++;
                    totals[1] += e.at("/args/bytes").asLong();
                }
            }
        }

        JsonNode report = JSON.readTree(TraceReportWriter.json(
                new TraceAnalysis(Duration.ofSeconds(10)).analyze(H200_TRACE, null, TraceProgress.NONE)));

        Map<String, long[]> actual = new TreeMap<>();
        for (JsonNode row : report.get("crossings")) {
            assertThat(row.get("gpu").asInt()).isZero();
            assertThat(row.get("form").asText()).isEqualTo("GPU");
            assertThat(row.get("cost_p50_s").asDouble()).isPositive();
            assertThat(row.get("cost_p99_s").asDouble()).isGreaterThanOrEqualTo(row.get("cost_p50_s").asDouble());
            actual.put(row.get("direction").asText() + " " + row.get("host_memory").asText(),
                    new long[] {row.get("count").asLong(), row.get("bytes").asLong()});
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, totals) -> assertThat(actual.get(key)).as(key).containsExactly(totals));
        assertThat(report.at("/events/unmatched_gpu_activities").asLong()).isZero();
        assertThat(report.at("/events/late").asLong()).isZero();
        assertThat(report.at("/async/async_calls").asLong()).as("pinned async calls").isEqualTo(180);
        assertThat(report.at("/async/async_blocked").asLong()).as("no revocation on a non-CC H200").isZero();
        assertThat(report.at("/async/pageable/async_calls").asLong()).as("reported apart").isEqualTo(540);
        assertThat(report.get("concurrency")).isNotEmpty();
        for (JsonNode row : report.get("concurrency")) {
            assertThat(row.has("window_start_ns") && row.has("context") && row.has("bridge_occupancy")).isTrue();
        }
        assertThat(report.has("comparison")).as("no reference given").isFalse();
    }

    @Test
    void shouldCompareATraceWithItsReferenceAndSplitConcurrencyIntoWindows(@TempDir Path dir) throws Exception {
        Path cc = dir.resolve("cc.json.gz");
        Path reference = dir.resolve("reference.json");
        new SyntheticKinetoTrace(3000, 4, 4096, 300, 10_000, 55).write(cc);
        new SyntheticKinetoTrace(3000, 4, 4096, 10, 10_000, 50).write(reference);

        TraceReport analysis = new TraceAnalysis(Duration.ofSeconds(1)).analyze(cc, reference, TraceProgress.NONE);
        JsonNode report = JSON.readTree(TraceReportWriter.json(analysis));

        // A copy's cost runs from its call (the stream is idle) to when it is done: the H2D's GPU end (2 us of
        // launch, the toll, 0.41 us of transfer); the synchronous D2H's return, 1 us after its GPU end.
        double ccCost = 2 + 300 + 0.4096;
        double referenceCost = 2 + 10 + 0.4096;
        assertThat(report.at("/comparison/small_crossing_slowdown/H2D|PINNED").asDouble())
                .isCloseTo(ccCost / referenceCost, within(0.02 * ccCost / referenceCost));
        assertThat(report.at("/comparison/small_crossing_slowdown/D2H|PAGEABLE").asDouble())
                .isCloseTo((ccCost + 1) / (referenceCost + 1), within(0.02 * ccCost / referenceCost));
        assertThat(report.at("/comparison/compute_parity").asDouble()).isCloseTo(1.1, within(0.02));
        assertThat(report.at("/comparison/compute_parity_kernels").asInt()).isEqualTo(4);
        for (JsonNode row : report.get("crossings")) {
            assertThat(row.get("count").asLong()).isEqualTo(3000);
            double cost = row.get("direction").asText().equals("H2D") ? ccCost : ccCost + 1;
            assertThat(row.get("cost_p50_s").asDouble()).isCloseTo(cost * 1e-6, within(0.01 * cost * 1e-6));
        }
        assertThat(report.at("/async/async_calls").asLong()).as("pinned H2D").isEqualTo(3000);
        assertThat(report.at("/async/async_blocked").asLong()).isZero();
        assertThat(report.at("/async/pageable/async_calls").asLong()).isEqualTo(3000);
        assertThat(report.at("/async/pageable/async_blocked").asLong()).as("the pageable D2H calls wait for their"
                + " copy, by CUDA's rules").isEqualTo(3000);
        // About 0.95 ms per step: 3000 steps span 2.8 s, so three or four 1 s windows, copies always serialized.
        Set<Long> windows = new HashSet<>();
        long copies = 0;
        for (JsonNode row : report.get("concurrency")) {
            windows.add(row.get("window_start_ns").asLong());
            assertThat(row.get("copy_concurrency_index").asDouble()).isEqualTo(1.0);
            if (row.get("context").isNull()) {
                copies += row.get("copies").asLong();
            }
        }
        assertThat(windows).hasSizeBetween(3, 4);
        assertThat(copies).isEqualTo(6000);
        assertThat(TraceReportWriter.text(analysis)).contains("small-crossing slowdown H2D").contains(
                "compute parity: 1.1");
    }

    @Test
    void shouldFindEveryPinnedAsyncCallOfACcTraceThatWaitsForItsCopyBlocked(@TempDir Path dir) throws Exception {
        // 100 pinned async H2D calls that each return only when their copy is done, 330 us of toll later (async
        // revoked under CC); 100 that return at once (4 us) with a tiny copy finishing first, on a healthy node.
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            boolean revoked = i % 2 == 0;
            double ts = i * 1000.0;
            double hostMicros = revoked ? 340 : 4;
            double gpuStart = ts + (revoked ? 5 : 1);
            double gpuMicros = revoked ? 334 : 0.5;
            events.append(String.format(Locale.ROOT, """
                    %s{"ph": "X", "cat": "cuda_runtime", "name": "cudaMemcpyAsync", "pid": 1, "tid": 1, "ts": %.1f,
                     "dur": %.1f, "args": {"correlation": %d}},
                    {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 7,
                     "ts": %.1f, "dur": %.1f, "args": {"device": 0, "context": 1, "stream": 7, "correlation": %d,
                     "bytes": 256}}
                    """, i == 0 ? "" : ",", ts, hostMicros, i + 1, gpuStart, gpuMicros, i + 1));
        }
        Path trace = dir.resolve("cc.json");
        Files.writeString(trace, "{\"baseTimeNanoseconds\": 1790000000000000000, \"traceEvents\": [" + events
                + "]}");

        JsonNode report = JSON.readTree(TraceReportWriter.json(
                new TraceAnalysis(Duration.ofSeconds(10)).analyze(trace, null, TraceProgress.NONE)));

        assertThat(report.at("/async/async_calls").asLong()).isEqualTo(200);
        assertThat(report.at("/async/async_blocked").asLong()).as("the revoked half, no tiny copy").isEqualTo(100);
    }
}
