package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.TracePublisher;
import io.bridgewatch.collector.trace.TraceFormat;
import io.bridgewatch.collector.input.TraceNodeInfo;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.NodeInfo;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bridgewatch import}: a trace's events and a NodeInfo published to Kafka as one node's, so the fleet pipeline
 * analyses them like live data. The trace is read twice: first to check all of it (a bad trace publishes nothing)
 * and to learn its time span, then to publish, moved in time so that its last event is now (unless the original
 * times are kept): a live pipeline would take events hours old as late.
 */
public final class TraceImport {
    /** What was checked and published, and where in time it landed. */
    public record Result(TraceSummary summary, NodeInfo node, TracePublisher.Outcome outcome, long firstEventNs,
            long lastEventNs) {
    }

    private final String nodeId;
    private final Map<String, String> labels;
    private final boolean keepTimes;

    /**
     * @param labels free-form labels; {@code cc_mode} (ON, DEVTOOLS, OFF) sets the node's CC mode, and
     *     {@code engine}, {@code engine_version}, {@code model}, {@code driver}, {@code max_concurrency} the
     *     cohort fields of those names
     */
    public TraceImport(String nodeId, Map<String, String> labels, boolean keepTimes) {
        if (nodeId == null || nodeId.isBlank()) {
            throw new IllegalArgumentException("--node must name the node");
        }
        this.nodeId = nodeId;
        this.labels = Map.copyOf(labels);
        this.keepTimes = keepTimes;
        ccMode(""); // reject a bad cc_mode before reading anything
    }

    /** Reads the whole trace without publishing; throws TraceFormatException on bad input. */
    public Checked check(Path trace, TraceProgress progress) {
        EventTap tap = new EventTap();
        TraceSummary summary = TraceFormat.of(trace).reader(nodeId).read(trace, tap, progress);
        return new Checked(summary, tap.firstEventNs(), tap.lastEventNs());
    }

    /** A trace that was read through without error. */
    public record Checked(TraceSummary summary, long firstEventNs, long lastEventNs) {
    }

    /** Publishes a checked trace; the outcome says whether every event was acknowledged. */
    public Result publish(Path trace, Checked checked, String bootstrapServers, Map<String, String> client,
            long nowNs, TraceProgress progress) {
        long offsetNs = keepTimes || checked.summary().events() == 0 ? 0 : nowNs - checked.lastEventNs();
        NodeInfo node = TraceNodeInfo.of(nodeId, checked.summary().facts(), checked.summary().facts().gpuSku(),
                ccMode(checked.summary().facts().ccMode()), checked.firstEventNs() + offsetNs, labels);
        try (TracePublisher publisher = new TracePublisher(nodeId,
                CollectorConfig.defaults(bootstrapServers, "bridgewatch-import-" + nodeId, client))) {
            TraceSummary published = null;
            try {
                publisher.nodeInfo(node);
                published = TraceFormat.of(trace).reader(nodeId).read(trace, TimeShiftingSink.by(publisher, offsetNs),
                        progress);
            } catch (TracePublisher.PublishException e) {
                // Kafka refused an event: the import stops, and the outcome below counts what was lost.
            }
            return new Result(published, node, publisher.finish(), checked.firstEventNs() + offsetNs,
                    checked.lastEventNs() + offsetNs);
        }
    }

    /** The cc_mode label, else what the trace says (the agent reads it from NVML), else unknown. */
    private CcMode ccMode(String fromTrace) {
        String mode = labels.getOrDefault("cc_mode", fromTrace);
        if (mode == null || mode.isEmpty()) {
            return CcMode.UNKNOWN;
        }
        try {
            return CcMode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label cc_mode=" + mode + ": expected ON, DEVTOOLS or OFF");
        }
    }
}
