package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.redact.Redaction;
import io.bridgewatch.launcher.DurationConverter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bridgewatch analyze TRACE}: the bridge analysis of a profiler trace, without a broker. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyses a PyTorch profiler (Kineto JSON, .json or .json.gz) or Nsight Systems (SQLite export)"
                + " trace with the pipeline's own metric code and prints a report: per (gpu, direction, host memory)"
                + " crossing costs, toll and bandwidth; async blocking; concurrency per window; phases; and, with"
                + " --reference, the small-crossing slowdown and compute parity against a reference trace. Agent record"
                + " files (.bwr) are read too. Exit codes: 0 done, 2 bad input, 3 damaged input (an agent stream cut"
                + " short or corrupt: the report covers its valid part).")
public final class AnalyzeCommand implements Callable<Integer> {
    enum Format { text, json }

    @Parameters(index = "0", paramLabel = "TRACE", description = "The trace to analyse.")
    Path trace;

    @Option(names = "--reference", paramLabel = "TRACE",
            description = "A trace of the same workload without confidential computing, to compare against.")
    Path reference;

    @Option(names = "--format", defaultValue = "text",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--window", defaultValue = "10s", converter = DurationConverter.class,
            description = "Window of the concurrency figures, e.g. 1s, 10s (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--redact-kernel-names", defaultValue = "keep", paramLabel = "keep|hash|drop",
            description = "Analyse the trace as a collector redacting kernel names would send it (hash needs"
                    + " --redact-key-file).")
    String redactKernelNames;

    @Option(names = "--redact-key-file", paramLabel = "FILE", description = "The kernel-name hash key.")
    Path redactKeyFile;

    @Option(names = "--redact-sizes", description = "... with copy sizes rounded up to powers of two.")
    boolean redactSizes;

    @Option(names = "--redact-time-us", defaultValue = "0", paramLabel = "US",
            description = "... with timestamps rounded down to multiples of this (0: as measured).")
    long redactTimeUs;

    @Option(names = "--progress", negatable = true, description = "Show a progress bar on stderr (default: when"
            + " stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        boolean showProgress = progress != null ? progress : System.console() != null;
        ProgressBar bar = showProgress ? new ProgressBar(System.err, "reading", trace.toFile().length()) : null;
        TraceReport report;
        try {
            Redaction.KernelNames names = Redaction.KernelNames.of(redactKernelNames);
            Redaction redaction = new Redaction(names, redactKeyFile == null ? new byte[0]
                    : Redaction.keyFrom(redactKeyFile), redactSizes, redactTimeUs * 1_000L);
            report = new TraceAnalysis(window, redaction).analyze(trace, reference,
                    bar == null ? TraceProgress.NONE : bar);
        } catch (TraceFormatException | IllegalArgumentException | UncheckedIOException e) {
            if (bar != null) {
                bar.done();
            }
            System.err.println("bridgewatch analyze: " + e.getMessage());
            return 2;
        }
        if (bar != null) {
            bar.done();
        }
        System.out.print(format == Format.json ? TraceReportWriter.json(report) : TraceReportWriter.text(report));
        if (report.summary().damage() != null) {
            System.err.println("bridgewatch analyze: the input is damaged, the report covers what came before: "
                    + report.summary().damage());
            return 3;
        }
        return 0;
    }
}
