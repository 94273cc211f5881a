package io.bridgewatch.launcher.bench;

import io.bridgewatch.launcher.DurationConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bridgewatch bench}: benchmarks that print figures (not tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures.",
        subcommands = {BenchCommand.TopologyBench.class, BenchCommand.TraceBench.class,
                BenchCommand.InstancesBench.class, BenchCommand.SqlBench.class, BenchCommand.RedactionBench.class,
                BenchCommand.HotPathsBench.class, BenchCommand.HeapBench.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code bridgewatch bench topology}. */
    @Command(name = "topology", mixinStandardHelpOptions = true,
            description = "The Bridgewatch topology against a minimal windowed count over the same simulated events,"
                    + " on the embedded Kafka broker: events/s, event-to-result latency p50/p99, peak heap, ratios.")
    static final class TopologyBench implements Callable<Integer> {
        @Option(names = "--events", defaultValue = "20000000",
                description = "Events to load and process (default: ${DEFAULT-VALUE}: the minimal count's pass takes"
                        + " several commit intervals, which its end is measured by).")
        long events;

        @Option(names = "--live", defaultValue = "30s", converter = DurationConverter.class,
                description = "How long each topology runs on live input for the latency figures (default: "
                        + "${DEFAULT-VALUE}).")
        Duration live;

        @Option(names = "--live-speed", defaultValue = "10",
                description = "Simulated seconds per second during the live run (1 = the 12-node fleet's natural "
                        + "~4k events/s; default: ${DEFAULT-VALUE}).")
        double liveSpeed;

        @Option(names = "--fleet-copies", defaultValue = "1",
                description = "The simulated 12-node fleet this many times over (more nodes, spread more evenly"
                        + " over the partitions; default: ${DEFAULT-VALUE}).")
        int fleetCopies;

        @Option(names = "--passes", defaultValue = "3",
                description = "Measured passes over the backlog per topology, the two in turn; the figures are the"
                        + " medians (default: ${DEFAULT-VALUE}).")
        int passes;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (events < 1 || live.isNegative() || live.isZero() || !(liveSpeed > 0) || fleetCopies < 1
                    || fleetCopies > 100 || passes < 1 || passes > 20) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--events, --live and --live-speed must be positive, --fleet-copies 1 to 100, --passes 1 to"
                                + " 20 (got " + events + ", " + live + ", " + liveSpeed + ", " + fleetCopies + ", "
                                + passes + ")");
            }
            new TopologyBenchmark(System.out).run(events, live, liveSpeed, fleetCopies, passes);
            return 0;
        }
    }

    /** {@code bridgewatch bench hot-paths}. */
    @Command(name = "hot-paths", mixinStandardHelpOptions = true,
            description = "JMH microbenchmarks of the inner loops (event serdes and batches, window-state histogram,"
                    + " toll and bandwidth fit, concurrency index, trace and agent readers): time per operation,"
                    + " mean and 99.9%% error, one forked JVM each. Run from the repository root (the readers'"
                    + " inputs are its H200 recordings).")
    static final class HotPathsBench implements Callable<Integer> {
        @Option(names = "--include", defaultValue = "io.bridgewatch.launcher.bench.hot.",
                description = "Regular expression of the benchmarks to run (default: all of them).")
        String include;

        @Option(names = "--quick", description = "Fewer and shorter iterations (a smoke run; figures are rough).")
        boolean quick;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try {
                Pattern.compile(include);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--include: not a regular expression: " + e.getDescription() + " in '" + include + "'");
            }
            new org.openjdk.jmh.runner.Runner(HotPaths.options(include, quick)).run();
            return 0;
        }
    }

    /** {@code bridgewatch bench redaction}. */
    @Command(name = "redaction", mixinStandardHelpOptions = true,
            description = "How far each redaction option of the collector (kernel names hashed or dropped, sizes"
                    + " to powers of two, times rounded) moves toll, bandwidth, slowdown, concurrency, gap and phase"
                    + " figures, on a trace and on the simulated fleet.")
    static final class RedactionBench implements Callable<Integer> {
        @Option(names = "--trace", defaultValue = "collector/src/test/resources/traces/h200-decode-trace.json.gz",
                description = "The trace (default: the H200 decode loop, ${DEFAULT-VALUE}); a missing file is"
                        + " skipped.")
        Path trace;

        @Option(names = "--fleet", defaultValue = "180s", converter = DurationConverter.class,
                description = "Simulated time of the fleet (default: ${DEFAULT-VALUE}).")
        Duration fleet;

        @Override
        public Integer call() throws Exception {
            new RedactionBenchmark(System.out).run(Files.exists(trace) ? trace : null, fleet);
            return 0;
        }
    }

    /** {@code bridgewatch bench sql}. */
    @Command(name = "sql", mixinStandardHelpOptions = true,
            description = "SQL on one streams instance over the embedded broker: first and steady pull-query latency"
                    + " (against the REST window query), a bounded scan of a million raw events (against a bare"
                    + " consumer), push-query delivery latency and memory with one subscriber and with many.")
    static final class SqlBench implements Callable<Integer> {
        @Option(names = "--events", defaultValue = "300000",
                description = "Events the instance processes before the queries (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--scan", defaultValue = "1000000",
                description = "Raw crossings in the topic for the bounded scan (default: ${DEFAULT-VALUE}).")
        long scan;

        @Option(names = "--pull-queries", defaultValue = "300",
                description = "Pull queries timed after the first (default: ${DEFAULT-VALUE}).")
        int pullQueries;

        @Option(names = "--push-queries", defaultValue = "100",
                description = "Concurrent push queries (default: ${DEFAULT-VALUE}).")
        int pushQueries;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (events < 1 || scan < 1 || pullQueries < 1 || pushQueries < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--events, --scan, --pull-queries and --push-queries must be positive");
            }
            new SqlBenchmark(System.out).run(events, scan, pullQueries, pushQueries);
            return 0;
        }
    }

    /** {@code bridgewatch bench heap}. */
    @Command(name = "heap", mixinStandardHelpOptions = true,
            description = "The heap per active node: the 12-node fleet and the same fleet copied through the"
                    + " streams-app's processors and stores (offline, in memory), heap after GC, and the slope.")
    static final class HeapBench implements Callable<Integer> {
        @Option(names = "--copies", defaultValue = "10",
                description = "The large fleet: the 12 nodes this many times (default: ${DEFAULT-VALUE}).")
        int copies;

        @Option(names = "--warmup", defaultValue = "20s", converter = DurationConverter.class,
                description = "Fleet time before the first sample (default: ${DEFAULT-VALUE}).")
        Duration warmup;

        @Option(names = "--measure", defaultValue = "40s", converter = DurationConverter.class,
                description = "Fleet time sampled, every 5 s (default: ${DEFAULT-VALUE}).")
        Duration measure;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (copies < 2 || copies > 100 || warmup.isNegative() || measure.toSeconds() < 5) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--copies must be from 2 to 100, --warmup not negative, --measure at least 5s");
            }
            new HeapBenchmark(System.out).run(copies, warmup, measure);
            return 0;
        }
    }

    /** {@code bridgewatch bench instances}. */
    @Command(name = "instances", mixinStandardHelpOptions = true,
            description = "The same simulated events through 1, 2, ... streams instances (in this process, on the"
                    + " embedded broker): events/s per instance count and the ratio against one instance.")
    static final class InstancesBench implements Callable<Integer> {
        @Option(names = "--fleet", defaultValue = "120s", converter = DurationConverter.class,
                description = "Simulated time of the 12-node fleet to produce (default: ${DEFAULT-VALUE}).")
        Duration fleet;

        @Option(names = "--max-instances", defaultValue = "3", description = "Up to this many (default: ${DEFAULT-VALUE}).")
        int maxInstances;

        @Option(names = "--partitions", defaultValue = "12", description = "Partitions (default: ${DEFAULT-VALUE}).")
        int partitions;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (maxInstances < 1 || partitions < maxInstances) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--max-instances must be between 1 and --partitions");
            }
            new InstancesBenchmark(System.out).run(fleet, maxInstances, partitions);
            return 0;
        }
    }

    /** {@code bridgewatch bench trace}. */
    @Command(name = "trace", mixinStandardHelpOptions = true,
            description = "Generates a Kineto trace of the given size and analyses it: MB/s, events/s and peak heap,"
                    + " against the trace reader alone on the same file.")
    static final class TraceBench implements Callable<Integer> {
        @Option(names = "--size", defaultValue = "2GB",
                description = "Size of the generated trace, e.g. 500MB, 2GB (default: ${DEFAULT-VALUE}).")
        String size;

        @Option(names = "--file", description = "Where to write the trace (default: a temporary file).")
        Path file;

        @Option(names = "--keep", description = "Keep the generated trace.")
        boolean keep;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            new TraceBenchmark(System.out).run(bytes(size), file, keep);
            return 0;
        }

        private long bytes(String text) {
            Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgG]?)[bB]?")
                    .matcher(text.strip());
            if (!m.matches() || Double.parseDouble(m.group(1)) <= 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--size: expected a positive size such as 500MB or 2GB, got '" + text + "'");
            }
            double scale = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 1e3;
                case "M" -> 1e6;
                case "G" -> 1e9;
                default -> 1;
            };
            return Math.round(Double.parseDouble(m.group(1)) * scale);
        }
    }
}
