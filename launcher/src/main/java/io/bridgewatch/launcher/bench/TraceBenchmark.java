package io.bridgewatch.launcher.bench;

import io.bridgewatch.launcher.trace.SyntheticKinetoTrace;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bridgewatch bench trace}: analyses a generated Kineto trace of a chosen size and prints MB/s, events/s and
 * peak heap, against baselines measured in the same run on the same file: the streaming reader alone (parse and
 * join, events discarded), and Jackson's tokenizer alone under the reader. Each is measured in a JVM of its own,
 * with this one's heap settings (as JMH forks): in one JVM the JIT compiles the parser for whichever ran first,
 * and the reader after the tokenizer ran at 210 MB/s against 264 in a JVM of its own. Their heaps are touched at
 * start ({@code -XX:+AlwaysPreTouch}, as long-running JVMs are set up): on this machine's VM the first touch of
 * each page is slow, and the reader, which allocates where the tokenizer does not, spent 1.3 s of a 2 GB trace
 * faulting its heap in (its first 750 MB read at 110-200 MB/s, the rest at 250).
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
            out.printf(Locale.ROOT, "Heap limit: %.0f MiB (each measurement in a JVM of its own)%n",
                    Runtime.getRuntime().maxMemory() / 1048576.0);

            Figures tokens = measure("JSON tokens (tokens/s)", bytes, TraceMeasurement.Kind.TOKENS, trace);
            Figures baseline = measure("reader only (baseline)", bytes, TraceMeasurement.Kind.READER, trace);
            Figures analysis = measure("bridgewatch analyze", bytes, TraceMeasurement.Kind.ANALYZE, trace);
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

    private Figures measure(String name, long bytes, TraceMeasurement.Kind kind, Path trace)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(heapSettings());
        command.add("-XX:+AlwaysPreTouch");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TraceMeasurement.class.getName(),
                kind.name(), trace.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        String result = output.lines().filter(line -> line.startsWith(TraceMeasurement.RESULT)).findFirst()
                .orElse(null);
        if (exit != 0 || result == null) {
            throw new IllegalStateException(name + " failed (its JVM exited with " + exit + "): " + output.strip());
        }
        String[] fields = result.substring(TraceMeasurement.RESULT.length()).split(" ");
        double seconds = Double.parseDouble(fields[0]);
        long events = Long.parseLong(fields[1]);
        Figures figures = new Figures(bytes / 1e6 / seconds, Long.parseLong(fields[2]) / 1048576.0);
        out.printf(Locale.ROOT, "%-24s %7.1f s %8.1f MB/s %,10.0f events/s   peak heap %6.0f MiB%n", name, seconds,
                figures.megabytesPerSecond(), events / seconds, figures.peakHeapMiB());
        return figures;
    }

    /** This JVM's heap and collector settings, for the measuring JVMs. */
    private static List<String> heapSettings() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("-Xm") || arg.startsWith("-XX:+Use") || arg.startsWith("-XX:-Use"))
                .toList();
    }
}
