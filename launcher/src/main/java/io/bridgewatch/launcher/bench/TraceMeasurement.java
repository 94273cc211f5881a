package io.bridgewatch.launcher.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.collector.trace.KinetoTraceReader;
import io.bridgewatch.launcher.trace.TraceAnalysis;
import io.bridgewatch.launcher.trace.TraceReport;
import io.bridgewatch.schema.EventSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * One measurement of {@code bench trace}, run by {@link TraceBenchmark} in a JVM of its own: it prints one line,
 * {@value #RESULT} followed by seconds, events and peak heap bytes.
 */
public final class TraceMeasurement {
    static final String RESULT = "measured ";

    /** What is measured over the file. */
    enum Kind {
        /** Jackson's streaming tokenizer over the file, nothing built: the ceiling of any JSON reader (tokens). */
        TOKENS,
        /** The streaming reader alone: parse and join, events discarded. */
        READER,
        /** {@code bridgewatch analyze}: the reader and the two in-process runs of the topology. */
        ANALYZE
    }

    private TraceMeasurement() {
    }

    /** @param args the kind and the trace */
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || Arrays.stream(Kind.values()).noneMatch(k -> k.name().equals(args[0]))) {
            System.err.println("usage: TraceMeasurement " + Arrays.toString(Kind.values()) + " TRACE (run by"
                    + " bridgewatch bench trace)");
            System.exit(2);
        }
        Kind kind = Kind.valueOf(args[0]);
        Path trace = Path.of(args[1]);
        System.gc();
        long start = System.nanoTime();
        long events;
        long peak;
        try (HeapSampler heap = new HeapSampler()) {
            events = switch (kind) {
                case TOKENS -> jsonTokens(trace);
                case READER -> new KinetoTraceReader("bench").read(trace, EventSink.discarding(),
                        TraceProgress.NONE).events();
                case ANALYZE -> analyze(trace);
            };
            peak = heap.peakBytes();
        }
        System.out.printf(Locale.ROOT, "%s%.6f %d %d%n", RESULT, (System.nanoTime() - start) / 1e9, events, peak);
    }

    private static long jsonTokens(Path trace) throws IOException {
        long tokens = 0;
        try (JsonParser parser = new JsonFactory().createParser(trace.toFile())) {
            while (parser.nextToken() != null) {
                tokens++;
            }
        }
        return tokens;
    }

    private static long analyze(Path trace) {
        TraceReport report = new TraceAnalysis(Duration.ofSeconds(10)).analyze(trace, null, TraceProgress.NONE);
        TraceSummary summary = report.summary();
        long reported = report.crossings().stream().mapToLong(c -> c.getCrossings()).sum();
        if (reported != summary.crossings()) {
            throw new IllegalStateException("the report counts " + reported + " crossings, the trace has "
                    + summary.crossings());
        }
        return summary.events();
    }
}
