package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.input.TraceFacts;
import io.bridgewatch.collector.trace.TraceFormat;
import io.bridgewatch.collector.input.TraceNodeInfo;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.collector.redact.RedactingSink;
import io.bridgewatch.collector.redact.Redaction;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.TopologyOutputs;
import io.bridgewatch.streams.TopologyOutputs.Output;
import io.bridgewatch.streams.cohort.ReferenceBaseline;
import io.bridgewatch.streams.offline.OfflinePipeline;
import io.bridgewatch.streams.offline.ParallelPipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code bridgewatch analyze}: the fleet topology over one trace (and optionally a reference trace), without a
 * broker. Two runs of the topology see the analysed trace in one pass: one with a single window spanning any
 * trace, for the trace-wide figures (crossing costs, async blocking, the comparison), and one with the requested
 * window, for concurrency and phases over time, each on a thread of its own beside the reader. The reference goes to
 * the first only, moved onto the analysed trace's time line, as the cohort's cc_mode=OFF node; the analysed trace is
 * its CC node.
 */
public final class TraceAnalysis {
    /**
     * How far out of time order a trace's events may come and still count in their windows (seen on the H200: a
     * profiler trace held copies 30 s after the calls of later ones); later ones are counted as late.
     */
    static final Duration OUT_OF_ORDER = Duration.ofMinutes(10);
    /**
     * How far behind a window's latest copy its intervals may still come and overlap (after that they are folded
     * into sums, which keeps a long trace's state small): a window's events come together, a CUPTI buffer at a time.
     */
    static final Duration REORDER_SLACK = Duration.ofSeconds(5);
    /** A window longer than any trace: 2^40 ms, about 35 years (every current timestamp falls in one of them). */
    static final Duration WHOLE_TRACE = Duration.ofMillis(1L << 40);
    static final String NODE = "trace";
    static final String REFERENCE_NODE = "reference";
    /** Both nodes get this SKU so they share a cohort whatever their traces say. */
    private static final String ANALYSIS_SKU = "analysis";

    private final Duration window;
    private final Redaction redaction;

    public TraceAnalysis(Duration window) {
        this(window, Redaction.NONE);
    }

    /** The analysis of the traces as a collector with this redaction would send them. */
    public TraceAnalysis(Duration window, Redaction redaction) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.window = window;
        this.redaction = redaction;
    }

    /** One window over the whole input, no grace needed: nothing closes before the end-of-input watermark. */
    static TopologyConfig wholeTraceConfig() {
        return wholeTraceConfig(Duration.ZERO);
    }

    private static TopologyConfig wholeTraceConfig(Duration referenceAsyncP99) {
        return new TopologyConfig(WHOLE_TRACE, Duration.ZERO, WHOLE_TRACE, Duration.ZERO,
                TopologyConfig.DEFAULT_REORDER_SLACK, referenceAsyncP99, TopologyConfig.DEFAULT_PHASE_GAP,
                ReferenceBaseline.NONE, TopologyConfig.DEFAULT_REGRESSION_THRESHOLD,
                TopologyConfig.DEFAULT_REGRESSION_HALF_LIFE, WHOLE_TRACE, TopologyConfig.DEFAULT_NODE_SILENCE,
                Duration.ZERO);
    }

    public TraceReport analyze(Path trace, Path reference, TraceProgress progress) {
        // With a reference, async revocation's thresholds scale with its ordinary enqueue time: a first pass over
        // the reference measures it.
        Duration referenceAsyncP99 = reference == null ? Duration.ZERO : referenceAsyncP99(reference);
        TopologyConfig wholeTrace = wholeTraceConfig(referenceAsyncP99);
        // The readers emit in file order, which is not time order: Kineto writes CUPTI's buffers as they were
        // handed over, and the agent's activity joins its call when it comes. A file is read whole before any
        // answer is given, so windows wait for what comes up to OUT_OF_ORDER late.
        Duration grace = OUT_OF_ORDER.compareTo(window) > 0 ? OUT_OF_ORDER : window;
        TopologyConfig windowed = new TopologyConfig(window, grace, window, grace, REORDER_SLACK, referenceAsyncP99,
                TopologyConfig.DEFAULT_PHASE_GAP, ReferenceBaseline.NONE, TopologyConfig.DEFAULT_REGRESSION_THRESHOLD,
                TopologyConfig.DEFAULT_REGRESSION_HALF_LIFE, window, TopologyConfig.DEFAULT_NODE_SILENCE,
                Duration.ZERO);
        // Each run produces only what the report reads of it: the comparison needs every node result.
        TopologyOutputs wholeOutputs = reference == null ? TopologyOutputs.of(Output.BRIDGE_COST)
                : TopologyOutputs.of(Output.BRIDGE_COST, Output.COHORTS);
        try (OfflinePipeline whole = new OfflinePipeline(wholeTrace, wholeOutputs);
                OfflinePipeline overTime = new OfflinePipeline(windowed,
                        TopologyOutputs.of(Output.CONCURRENCY, Output.PHASES));
                ParallelPipelines both = new ParallelPipelines(List.of(whole, overTime))) {
            EventTap tap = new EventTap(both.toAll());
            CcMode subjectMode = reference == null ? CcMode.UNKNOWN : CcMode.ON;
            tap.nodeInfo(TraceNodeInfo.of(NODE, TraceFacts.NONE, ANALYSIS_SKU,
                    subjectMode, 0, Map.of()));
            TraceSummary summary = TraceFormat.of(trace).reader(NODE).read(trace, RedactingSink.around(tap, redaction),
                    progress);
            TraceSummary referenceSummary = null;
            if (reference != null) {
                EventSink wholeOnly = both.only(0);
                wholeOnly.nodeInfo(TraceNodeInfo.of(REFERENCE_NODE, TraceFacts.NONE,
                        ANALYSIS_SKU, CcMode.OFF, 0, Map.of()));
                long alignTo = tap.firstEventNs() == Long.MAX_VALUE ? 0 : tap.firstEventNs();
                referenceSummary = TraceFormat.of(reference).reader(REFERENCE_NODE)
                        .read(reference, RedactingSink.around(TimeShiftingSink.alignFirstEvent(wholeOnly, alignTo),
                                redaction), progress);
            }
            List<OfflinePipeline.Results> results = both.finish();
            return TraceReport.of(trace, summary, reference, referenceSummary, window, results.get(0),
                    results.get(1));
        }
    }

    private static Duration referenceAsyncP99(Path reference) {
        AsyncEnqueueLatency latency = new AsyncEnqueueLatency();
        TraceFormat.of(reference).reader(REFERENCE_NODE).read(reference, latency.sink(), TraceProgress.NONE);
        return latency.p99();
    }
}
