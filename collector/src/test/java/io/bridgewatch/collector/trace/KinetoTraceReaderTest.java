package io.bridgewatch.collector.trace;

import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
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
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("entry 0")
                .hasMessageContaining("is not an object");
        Path number = dir.resolve("number.json");
        Files.writeString(number, "42");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(number, new CapturingSink()))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("expected a JSON object or an array of events");
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
    void shouldSkipAndCountEventKindsAndCategoriesItDoesNotUse(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("2022.json");
        Files.writeString(trace, """
                {"baseTimeNanoseconds": 0, "traceEvents": [
                  {"ph": "M", "name": "process_name", "pid": 1, "args": {"name": "python"}},
                  {"ph": "X", "cat": "cpu_op", "name": "aten::add", "pid": 1, "tid": 1, "ts": 0, "dur": 1},
                  {"ph": "X", "cat": "quantum_op", "name": "x", "ts": 0, "dur": 1},
                  {"ph": "s", "cat": "async_cpu_to_gpu", "id": 3, "pid": 1, "tid": 1, "ts": 2},
                  {"ph": "f", "cat": "async_cpu_to_gpu", "id": 3, "pid": 0, "tid": 7, "ts": 4, "bp": "e"},
                  {"ph": "i", "cat": "cpu_instant_event", "name": "mark", "pid": 1, "tid": 1, "ts": 3, "s": "t"},
                  {"ph": "C", "name": "memory", "pid": 1, "ts": 3, "args": {"bytes": 8}},
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemcpyAsync", "pid": 1, "tid": 1, "ts": 2,
                   "dur": 1, "args": {"correlation": 3}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 7,
                   "ts": 4, "dur": 1, "args": {"device": 0, "stream": 7, "correlation": 3, "bytes": 64}}
                ]}""");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("n").read(trace, capture);

        assertThat(capture.crossings).hasSize(1);
        assertThat(summary.skipped()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "'M' events (metadata)", 1L, "category 'quantum_op'", 1L, "'s' events (flow starts)", 1L,
                "'f' events (flow ends)", 1L, "'i' events (instant events)", 1L, "'C' events (counters)", 1L));
    }

    @Test
    void shouldReadA2020TraceThatIsABareArrayOfEventsWithThe2021CategoryNames(@TempDir Path dir) throws Exception {
        // No baseTimeNanoseconds (times are absolute microseconds), float and integer times, the GPU side first.
        Path trace = dir.resolve("2020.json");
        Files.writeString(trace, """
                [
                  {"ph": "X", "cat": "Operator", "name": "aten::copy_", "pid": 9, "tid": 9, "ts": 1000, "dur": 9},
                  {"ph": "X", "cat": "Memcpy", "name": "Memcpy DtoH (Device -> Pageable)", "pid": 0, "tid": 3,
                   "ts": 1004.5, "dur": 2.25, "args": {"device": 1, "context": 1, "stream": 3, "correlation": 11,
                   "bytes": 4096}},
                  {"ph": "X", "cat": "Runtime", "name": "cudaMemcpyAsync", "pid": 9, "tid": 9, "ts": 1002,
                   "dur": 6, "args": {"correlation": 11}},
                  {"ph": "X", "cat": "Runtime", "name": "cudaLaunchKernel", "pid": 9, "tid": 9, "ts": 1010,
                   "dur": 3, "args": {"correlation": 12}},
                  {"ph": "X", "cat": "Kernel", "name": "add_kernel", "pid": 0, "tid": 3, "ts": 1014, "dur": 5,
                   "args": {"device": 1, "context": 1, "stream": 3, "correlation": 12}},
                  {"ph": "X", "cat": "Runtime", "name": "cudaMemsetAsync", "pid": 9, "tid": 9, "ts": 1020,
                   "dur": 1, "args": {"correlation": 13}},
                  {"ph": "X", "cat": "Memset", "name": "Memset (Device)", "pid": 0, "tid": 3, "ts": 1022,
                   "dur": 1, "args": {"device": 1, "context": 1, "stream": 3, "correlation": 13, "bytes": 16}}
                ]""");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("n").read(trace, capture);

        assertThat(summary.crossings()).isEqualTo(1);
        assertThat(summary.kernels()).isEqualTo(1);
        assertThat(summary.memsets()).isEqualTo(1);
        assertThat(summary.unmatchedGpuActivities()).isZero();
        assertThat(summary.skipped()).isEmpty();
        Crossing copy = capture.crossings.get(0);
        assertThat(copy.getDirection()).isEqualTo(Direction.D2H);
        assertThat(copy.getHostMemory()).isEqualTo(HostMemoryKind.PAGEABLE);
        assertThat(copy.getBytes()).isEqualTo(4096);
        assertThat(copy.getGpuIndex()).isEqualTo(1);
        assertThat(copy.getApiStartNs()).isEqualTo(1_002_000L);
        assertThat(copy.getGpuStartNs()).isEqualTo(1_004_500L);
        assertThat(copy.getGpuEndNs()).isEqualTo(1_006_750L);
        assertThat(capture.kernels).extracting(KernelExec::getKernelName)
                .containsExactly("add_kernel", "Memset (Device)");
    }

    @Test
    void shouldKeepEveryGpuActivityOfAGraphLaunchEachJoinedToTheOneHostCall(@TempDir Path dir) throws Exception {
        StringBuilder events = new StringBuilder("""
                {"ph": "X", "cat": "cuda_runtime", "name": "cudaGraphLaunch", "pid": 1, "tid": 1, "ts": 10,
                 "dur": 4, "args": {"correlation": 40}},
                {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 15, "dur": 1,
                 "args": {"device": 0, "context": 1, "stream": 7, "correlation": 40, "bytes": 256}},
                {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy DtoD (Device -> Device)", "pid": 0, "tid": 7,
                 "ts": 16, "dur": 1, "args": {"device": 0, "context": 1, "stream": 7, "correlation": 40,
                 "bytes": 1024}}""");
        for (int k = 0; k < 10; k++) {
            events.append(String.format(", {\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"layer_%d\","
                    + " \"pid\": 0, \"tid\": 7, \"ts\": %d, \"dur\": 1, \"args\": {\"device\": 0,"
                    + " \"context\": 1, \"stream\": 7, \"correlation\": 40, \"graph id\": 5}}", k, 17 + k));
        }
        Path trace = dir.resolve("graph.json");
        Files.writeString(trace, "{\"traceEvents\": [" + events + "]}");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("n").read(trace, capture);

        assertThat(summary.kernels()).isEqualTo(10);
        assertThat(summary.memsets()).isEqualTo(1);
        assertThat(summary.crossings()).isEqualTo(1);
        assertThat(capture.kernels).allSatisfy(k -> {
            assertThat(k.getCorrelationId()).isEqualTo(40);
            assertThat(k.getApiStartNs()).isEqualTo(10_000L);
        });
        assertThat(capture.crossings.get(0).getDirection()).isEqualTo(Direction.D2D);
    }

    @Test
    void shouldEmitGpuActivitiesWithoutTheirHostCallAsSeenOnlyOnTheGpuSayingWhy(@TempDir Path dir) throws Exception {
        // A time-windowed export: the GPU ran behind, so a copy launched before the window has no call; a graph's
        // kernel has none either (its launch was not traced); and a memset's call was dropped. Host side first, as
        // Kineto writes it.
        Path trace = dir.resolve("windowed.json");
        Files.writeString(trace, """
                {"traceEvents": [
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemcpyAsync", "pid": 1, "tid": 1, "ts": 1000,
                   "dur": 5, "args": {"correlation": 10}},
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 3000000,
                   "dur": 5, "args": {"correlation": 11}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy DtoD (Device -> Device)", "pid": 0, "tid": 7,
                   "ts": 600, "dur": 50, "args": {"device": 0, "stream": 7, "correlation": 3, "bytes": 1048576}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 7,
                   "ts": 1010, "dur": 5, "args": {"device": 0, "stream": 7, "correlation": 10, "bytes": 4096}},
                  {"ph": "X", "cat": "kernel", "name": "graph_kernel", "pid": 0, "tid": 7, "ts": 2000, "dur": 10,
                   "args": {"device": 0, "stream": 7, "correlation": 5, "graph id": 2}},
                  {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 2100,
                   "dur": 1, "args": {"device": 0, "stream": 7, "correlation": 6, "bytes": 64}},
                  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 3000010, "dur": 10,
                   "args": {"device": 0, "stream": 7, "correlation": 11}}
                ]}""");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("n").read(trace, capture);

        assertThat(summary.crossings()).as("every gpu_memcpy of the trace").isEqualTo(2);
        assertThat(summary.kernels()).isEqualTo(2);
        assertThat(summary.memsets()).isEqualTo(1);
        assertThat(summary.unmatchedGpuActivities()).isEqualTo(3);
        assertThat(summary.withoutHostCall()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "started before the trace's first host call", 1L, "launched by a CUDA graph", 1L,
                "host call not in the trace", 1L));
        assertThat(capture.crossings).filteredOn(c -> !c.getHostCall()).singleElement().satisfies(c -> {
            assertThat(c.getDirection()).isEqualTo(Direction.D2D);
            assertThat(c.getBytes()).isEqualTo(1048576);
            assertThat(c.getApiStartNs()).isEqualTo(c.getGpuStartNs());
            assertThat(c.getAsyncRequested()).isFalse();
        });
        assertThat(capture.kernels).filteredOn(k -> !k.getHostCall()).extracting(KernelExec::getKernelName)
                .containsExactlyInAnyOrder("graph_kernel", "Memset (Device)");
    }

    @Test
    void shouldJoinActivitiesToTheirCallsWhateverOrderCuptisBuffersCameIn(@TempDir Path dir) throws Exception {
        // As torch.profiler wrote the H200 workload: a buffer of calls and copies 30 s later first, then the earlier
        // buffer, whose copy precedes its call in the file; and a graph launch whose copy and kernel share its id.
        Path trace = dir.resolve("buffers.json");
        Files.writeString(trace, """
                {"traceEvents": [
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemcpyAsync", "pid": 1, "tid": 2, "ts": 30001000,
                   "dur": 5, "args": {"correlation": 40}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy DtoH (Device -> Pinned)", "pid": 0, "tid": 8,
                   "ts": 30001010, "dur": 5, "args": {"device": 0, "stream": 8, "correlation": 40, "bytes": 64}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 7,
                   "ts": 1010, "dur": 5, "args": {"device": 0, "stream": 7, "correlation": 10, "bytes": 4096}},
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemcpyAsync", "pid": 1, "tid": 1, "ts": 1000,
                   "dur": 5, "args": {"correlation": 10}},
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaGraphLaunch", "pid": 1, "tid": 1, "ts": 2000,
                   "dur": 5, "args": {"correlation": 20}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 7,
                   "ts": 2010, "dur": 5, "args": {"device": 0, "stream": 7, "correlation": 20, "bytes": 1024}},
                  {"ph": "X", "cat": "kernel", "name": "silu", "pid": 0, "tid": 7, "ts": 2020, "dur": 5,
                   "args": {"device": 0, "stream": 7, "correlation": 20}}
                ]}""");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("n").read(trace, capture);

        assertThat(capture.crossings).filteredOn(Crossing::getHostCall).extracting(Crossing::getCorrelationId)
                .containsExactlyInAnyOrder(10L, 40L);
        assertThat(capture.crossings).filteredOn(c -> !c.getHostCall()).singleElement()
                .satisfies(c -> assertThat(c.getBytes()).isEqualTo(1024));
        assertThat(capture.kernels).singleElement().satisfies(k -> {
            assertThat(k.getHostCall()).isTrue();
            assertThat(k.getApiStartNs()).as("the launch's").isEqualTo(2_000_000L);
        });
        assertThat(summary.withoutHostCall()).isEqualTo(Map.of("launched by a CUDA graph", 1L));
        assertThat(summary.unmatchedHostCalls()).isZero();
    }

    @Test
    void shouldReadARocmTraceCountingACopyWithoutBytes(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("rocm.json");
        Files.writeString(trace, """
                {"traceEvents": [
                  {"ph": "X", "cat": "cuda_runtime", "name": "hipMemcpyAsync", "pid": 1, "tid": 1, "ts": 1,
                   "dur": 2, "args": {"correlation": 1}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Host -> Device)", "pid": 2, "tid": 0,
                   "ts": 2, "dur": 1, "args": {"device": 0, "stream": 0, "correlation": 1, "bytes": 512}},
                  {"ph": "X", "cat": "cuda_runtime", "name": "hipMemcpyAsync", "pid": 1, "tid": 1, "ts": 5,
                   "dur": 2, "args": {"correlation": 2}},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy DtoH (Device -> Host)", "pid": 2, "tid": 0,
                   "ts": 6, "dur": 1, "args": {"device": 0, "stream": 0, "correlation": 2}},
                  {"ph": "X", "cat": "cuda_runtime", "name": "hipMemsetAsync", "pid": 1, "tid": 1, "ts": 8,
                   "dur": 1, "args": {"correlation": 3}},
                  {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 2, "tid": 0, "ts": 9,
                   "dur": 1, "args": {"device": 0, "stream": 0, "correlation": 3}}
                ]}""");
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new KinetoTraceReader("n").read(trace, capture);

        assertThat(capture.crossings).hasSize(2).allSatisfy(c -> assertThat(c.getHostMemory())
                .as("'Host': host memory of unknown kind").isEqualTo(HostMemoryKind.UNKNOWN));
        assertThat(capture.crossings.get(0).getBytes()).isEqualTo(512);
        assertThat(capture.crossings.get(0).getBytesKnown()).isTrue();
        assertThat(capture.crossings.get(1).getBytesKnown()).as("a copy without bytes: size unknown").isFalse();
        assertThat(capture.crossings.get(1).getBytes()).isZero();
        assertThat(capture.crossings.get(1).getDirection()).isEqualTo(Direction.D2H);
        assertThat(summary.memsets()).as("a memset needs no bytes").isEqualTo(1);
        assertThat(summary.skipped()).isEmpty();
    }

    @Test
    void shouldNameThePositionAndTheReasonOfABadEvent(@TempDir Path dir) throws Exception {
        Path missingStream = dir.resolve("missing.json");
        Files.writeString(missingStream, """
                {"traceEvents": [
                  {"ph": "X", "cat": "cpu_op", "name": "aten::add", "pid": 1, "tid": 1, "ts": 0, "dur": 1},
                  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "ts": 1, "dur": 1,
                   "args": {"device": 0, "bytes": 8, "correlation": 3}}
                ]}""");
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(missingStream, new CapturingSink()))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("traceEvents entry 1 at line 3, column 3")
                .hasMessageContaining("without args.stream");
        Path oneLine = dir.resolve("one-line.json");
        String badEvent = "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k\", \"ts\": 1, \"dur\": 1,"
                + " \"args\": {\"device\": 0, \"correlation\": 1}}";
        String line = "{\"traceEvents\": [{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"a\"}, " + badEvent + "]}";
        Files.writeString(oneLine, line);
        assertThatThrownBy(() -> new KinetoTraceReader("n").read(oneLine, new CapturingSink()))
                .hasMessageContaining("traceEvents entry 1 at line 1, column " + (line.indexOf(badEvent) + 1) + ":");
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
