package io.bridgewatch.launcher.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.collector.trace.KinetoTraceReader;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.launcher.trace.SyntheticKinetoTrace;
import io.bridgewatch.launcher.trace.TraceAnalysis;
import io.bridgewatch.launcher.trace.TraceReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code bridgewatch bench trace}: analyses a generated Kineto trace of a chosen size and prints MB/s, events/s and
 * peak heap, against a baseline measured in the same run on the same file: the streaming reader alone (parse and
 * join, events discarded). The ratio is what the analysis (two in-process runs of the topology) costs over reading.
 */
final class TraceBenchmark {
    /** Bytes per decode step of the generated trace (two copies, four kernels), measured once at 80,000 steps. */
    private static final double BYTES_PER_STEP = 2_095;

    private final PrintStream out;

    TraceBenchmark(PrintStream out) {
        this.out = out;
    }

    void run(long targetBytes, Path file, boolean keep) throws IOException, InterruptedException {
        Path trace = file != null ? file : Files.createTempDirectory("bridgewatch-bench-trace").resolve("trace.json");
        try {
            long steps = Math.max(1, Math.round(targetBytes / BYTES_PER_STEP));
            long start = System.nanoTime();
            SyntheticKinetoTrace generator = new SyntheticKinetoTrace(steps, 4, 4096, 300, 10_000, 55);
            long bytes = generator.write(trace);
            out.printf(Locale.ROOT, "Generated %s: %.2f GB, %,d decode steps, %,d events, in %.1f s%n", trace,
                    bytes / 1e9, steps, generator.events(), (System.nanoTime() - start) / 1e9);
            out.printf(Locale.ROOT, "Heap limit: %.0f MiB%n", Runtime.getRuntime().maxMemory() / 1048576.0);

            Figures tokens = measure("JSON tokens (tokens/s)", bytes, () -> jsonTokens(trace));
            Figures baseline = measure("reader only (baseline)", bytes, () -> new KinetoTraceReader("bench")
                    .read(trace, EventSink.discarding(), TraceProgress.NONE).events());
            Figures analysis = measure("bridgewatch analyze", bytes, () -> {
                TraceReport report = new TraceAnalysis(Duration.ofSeconds(10)).analyze(trace, null,
                        TraceProgress.NONE);
                TraceSummary summary = report.summary();
                long reported = report.crossings().stream().mapToLong(c -> c.getCrossings()).sum();
                if (reported != summary.crossings()) {
                    throw new IllegalStateException("the report counts " + reported + " crossings, the trace has "
                            + summary.crossings());
                }
                return summary.events();
            });
            out.printf(Locale.ROOT, "%nRatio reader/JSON tokens: throughput %.2fx%n",
                    baseline.megabytesPerSecond() / tokens.megabytesPerSecond());
            out.printf(Locale.ROOT, "Ratio analyze/baseline: throughput %.2fx, peak heap %.2fx%n",
                    analysis.megabytesPerSecond() / baseline.megabytesPerSecond(),
                    analysis.peakHeapMiB() / baseline.peakHeapMiB());
        } finally {
            if (!keep) {
                Files.deleteIfExists(trace);
                if (file == null) {
                    Files.deleteIfExists(trace.getParent());
                }
            }
        }
    }

    private record Figures(double megabytesPerSecond, double peakHeapMiB) {
    }

    /** Jackson's streaming tokenizer over the file, nothing built: the ceiling of any JSON reader (tokens counted). */
    private static long jsonTokens(Path trace) throws IOException {
        long tokens = 0;
        try (JsonParser parser = new JsonFactory().createParser(trace.toFile())) {
            while (parser.nextToken() != null) {
                tokens++;
            }
        }
        return tokens;
    }

    @FunctionalInterface
    private interface Work {
        long events() throws Exception;
    }

    private Figures measure(String name, long bytes, Work work) throws InterruptedException {
        System.gc();
        long start = System.nanoTime();
        long events;
        long peak;
        try (HeapSampler heap = new HeapSampler()) {
            try {
                events = work.events();
            } catch (Exception e) {
                throw new IllegalStateException(name + " failed: " + e.getMessage(), e);
            }
            peak = heap.peakBytes();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Figures figures = new Figures(bytes / 1e6 / seconds, peak / 1048576.0);
        out.printf(Locale.ROOT, "%-24s %7.1f s %8.1f MB/s %,10.0f events/s   peak heap %6.0f MiB%n", name, seconds,
                figures.megabytesPerSecond(), events / seconds, figures.peakHeapMiB());
        return figures;
    }
}
