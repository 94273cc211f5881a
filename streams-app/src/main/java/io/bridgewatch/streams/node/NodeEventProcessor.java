package io.bridgewatch.streams.node;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.BatchElements;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.SchemaDecodingException;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.TopologyOutputs;
import io.bridgewatch.streams.concurrency.ConcurrencyAggregator;
import io.bridgewatch.streams.concurrency.ConcurrencyState;
import io.bridgewatch.streams.concurrency.IntervalPieces;
import io.bridgewatch.streams.concurrency.IntervalSample;
import io.bridgewatch.streams.concurrency.WorkIntervals;
import io.bridgewatch.streams.cost.AsyncBlocking;
import io.bridgewatch.streams.cost.CostSample;
import io.bridgewatch.streams.cost.CostWindowAggregator;
import io.bridgewatch.streams.cost.CrossingCosts;
import io.bridgewatch.streams.internal.CohortSample;
import io.bridgewatch.streams.internal.CostWindowState;
import io.bridgewatch.streams.internal.KernelWindowState;
import io.bridgewatch.streams.internal.PhaseEvent;
import io.bridgewatch.streams.late.LateRecords;
import io.bridgewatch.streams.parity.KernelDurationAggregator;
import io.bridgewatch.streams.phase.PhaseEvents;
import io.bridgewatch.streams.phase.PhaseOccurrences;
import io.bridgewatch.streams.window.Emitter;
import io.bridgewatch.streams.window.NodeTimeWindows;
import io.bridgewatch.streams.window.WindowNodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Everything the topology does with a node's own events, in one processor. The events of a node event batch, one by
 * one in the order the collector took them (or the one event of a record on an older collector's per-event topic),
 * each with its own event time, go through the stages of DESIGN 4 in the order below; only what the stages produce is
 * forwarded: closed node windows (bridge cost, concurrency, kernel durations), phase occurrences, on-time serving
 * samples (for the cohorts, after the repartition) and dead letters.
 *
 * <p>Why one processor: Kafka Streams copies a record and its headers at every node it passes, and a dozen nodes per
 * event cost more than the analytics; here an event costs none, and a batch one. The order is the one the stages
 * had as nodes, which matters once: a crossing's cost windows close (and the node's bridge fit downstream of them is
 * stored, synchronously, by the forward) before the phase stage sees the crossing.
 * <ul>
 * <li>crossing: late gate; cost (DESIGN 4.1, 4.2, advancing the GPU stream tails); bridge-cost window; phase
 * occurrence (4.5); its interval pieces into the concurrency window (4.3);</li>
 * <li>kernel: late gate; GPU stream tail; interval pieces into the concurrency window; phase occurrence; kernel
 * duration window (4.6);</li>
 * <li>serving sample: late gate by the cohort windows' close; forwarded.</li>
 * </ul>
 * An element of a batch that no known schema reads becomes a {@link DeadLetter} (stage 'deserialization', the
 * element's bytes as value), and the rest of the batch goes on.
 */
public final class NodeEventProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {
    private static final long NS_PER_MS = 1_000_000;
    private final TopologyConfig config;
    /** The stages that run, asked once per event each. */
    private final boolean costWindowsOn;
    private final boolean concurrencyOn;
    private final boolean phasesOn;
    private final boolean kernelDurationsOn;
    private final LateRecords<Crossing> lateCrossings;
    private final LateRecords<KernelExec> lateKernels;
    private final LateRecords<ServingSample> lateServing;
    private final NodeTimeWindows<CostSample, CostWindowState, BridgeCostWindow> costWindows;
    private final NodeTimeWindows<IntervalSample, ConcurrencyState, ConcurrencyWindow> concurrencyWindows;
    private final NodeTimeWindows<KernelExec, KernelWindowState, CohortSample> kernelWindows;
    private final PhaseOccurrences phases;
    /**
     * A batch's copies and kernels are read into these, each overwritten by the next: no stage keeps an event once it
     * has handled it (each copies what it needs into samples and window states of its own; a late one is serialized
     * into its dead letter at once). Serving samples, forwarded as they are, are read anew.
     */
    private final Crossing crossingRead = new Crossing();
    private final KernelExec kernelRead = new KernelExec();
    private ProcessorContext<String, SpecificRecord> context;
    private Emitter<SpecificRecord> forward;
    private CrossingCosts costs;
    private WorkIntervals intervals;

    public NodeEventProcessor(TopologyConfig config) {
        this(config, TopologyOutputs.ALL);
    }

    /** Runs only the stages that feed {@code outputs} (the late gates, costs and stream tails always). */
    public NodeEventProcessor(TopologyConfig config, TopologyOutputs outputs) {
        this.config = config;
        this.costWindowsOn = outputs.costWindows();
        this.concurrencyOn = outputs.concurrency();
        this.phasesOn = outputs.phases();
        this.kernelDurationsOn = outputs.kernelDurations();
        this.lateCrossings = LateRecords.perNode(Topics.CROSSINGS, BridgewatchSerdes.crossing().serializer(),
                config.nodeClose());
        this.lateKernels = LateRecords.perNode(Topics.KERNELS, BridgewatchSerdes.kernelExec().serializer(),
                config.nodeClose());
        this.lateServing = LateRecords.perNode(Topics.SERVING, BridgewatchSerdes.servingSample().serializer(),
                config.cohortClose());
        this.costWindows = new NodeTimeWindows<>(StoreNames.BRIDGE_COST_WINDOWS, CostWindowAggregator.aggregation(),
                WindowNodes.key(), config.nodeClose());
        this.concurrencyWindows = new NodeTimeWindows<>(StoreNames.CONCURRENCY_WINDOWS,
                new ConcurrencyAggregator(config.reorderSlack().toNanos()),
                WindowNodes.keyAndInput(i -> i.getKernel() ? "kernels" : "copies", List.of("copies", "kernels")),
                config.nodeClose());
        this.kernelWindows = new NodeTimeWindows<>(StoreNames.KERNEL_WINDOWS, KernelDurationAggregator.aggregation(),
                WindowNodes.key(), config.nodeClose());
        this.phases = new PhaseOccurrences(config.phaseGap(), config.grace(), config.nodeSilence());
    }

    /** The stores this processor uses, to connect when adding it. */
    public static String[] stores() {
        return new String[] {StoreNames.STREAM_TAILS, StoreNames.HOST_TAILS, StoreNames.BRIDGE_COST_WINDOWS,
                StoreNames.CONCURRENCY_WINDOWS, StoreNames.KERNEL_WINDOWS, StoreNames.PHASE_OCCURRENCES,
                StoreNames.NODE_BRIDGE_FIT};
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.forward = (key, value, timestampMs) -> context.forward(new Record<>(key, value, timestampMs));
        costs = new CrossingCosts(new AsyncBlocking(config.referenceAsyncP99().toNanos()),
                context.getStateStore(StoreNames.STREAM_TAILS));
        intervals = new WorkIntervals(config.nodeWindow().toNanos(), context.getStateStore(StoreNames.HOST_TAILS));
        lateCrossings.init(context);
        lateKernels.init(context);
        lateServing.init(context);
        costWindows.init(context);
        concurrencyWindows.init(context);
        kernelWindows.init(context);
        phases.init(context);
        if (phasesOn) {
            context.schedule(Duration.ofSeconds(1), PunctuationType.STREAM_TIME,
                    now -> phases.closeQuiet(now, forward));
        }
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String node = record.key();
        if (record.value() instanceof NodeEventBatch batch) {
            List<ByteBuffer> elements = batch.getEvents();
            BatchElements inPlace = elements instanceof BatchElements ranges ? ranges : null; // as the serde reads
            for (int i = 0; i < elements.size(); i++) {
                SpecificRecord event;
                try {
                    event = inPlace != null
                            ? NodeEventCodec.decode(inPlace, i, crossingRead, kernelRead)
                            : NodeEventCodec.decode(elements.get(i), crossingRead, kernelRead);
                } catch (SchemaDecodingException e) {
                    forward.emit(node, undecodable(record, NodeEventCodec.bytes(elements.get(i)), i,
                            elements.size(), e), record.timestamp());
                    continue;
                }
                process(node, event, eventTimeMs(event));
            }
        } else if (record.value() != null) {
            process(node, record.value(), record.timestamp());
        }
    }

    /** One event, stamped with its event time (as {@link io.bridgewatch.streams.EventTimeExtractor} stamps it). */
    private void process(String node, SpecificRecord event, long timestampMs) {
        if (event instanceof Crossing c) {
            crossing(node, c, timestampMs);
        } else if (event instanceof KernelExec k) {
            kernel(node, k, timestampMs);
        } else if (event instanceof ServingSample s) {
            DeadLetter late = lateServing.check(node, s, timestampMs);
            forward.emit(node, late != null ? late : s, timestampMs);
        }
    }

    private void crossing(String node, Crossing c, long timestampMs) {
        DeadLetter late = lateCrossings.check(node, c, timestampMs);
        if (late != null) {
            forward.emit(node, late, timestampMs);
            return;
        }
        CostSample cost = costs.charge(c);
        if (cost != null) {
            if (costWindowsOn) {
                costWindows.add(node, cost, timestampMs, forward);
            }
            if (phasesOn) {
                phases(node, PhaseEvents.of(cost), timestampMs);
            }
        }
        if (concurrencyOn) {
            concurrency(node, intervals.of(c));
        }
    }

    private void kernel(String node, KernelExec k, long timestampMs) {
        DeadLetter late = lateKernels.check(node, k, timestampMs);
        if (late != null) {
            forward.emit(node, late, timestampMs);
            return;
        }
        costs.kernelRan(k);
        if (concurrencyOn) {
            concurrency(node, intervals.of(k));
        }
        if (phasesOn) {
            phases(node, PhaseEvents.of(k), timestampMs);
        }
        if (kernelDurationsOn && KernelDurationAggregator.hasGpuTimes(k)) {
            kernelWindows.add(node, k, timestampMs, forward);
        }
    }

    /** Interval pieces, each filed in the window of its start. */
    private void concurrency(String node, IntervalPieces pieces) {
        for (int i = 0; i < pieces.size(); i++) {
            IntervalSample piece = pieces.get(i);
            concurrencyWindows.add(node, piece, piece.getStartNs() / NS_PER_MS, forward);
        }
    }

    private void phases(String node, List<PhaseEvent> events, long timestampMs) {
        for (int i = 0; i < events.size(); i++) {
            phases.add(node, events.get(i), timestampMs, forward);
        }
    }

    private static long eventTimeMs(SpecificRecord event) {
        if (event instanceof Crossing c) {
            return c.getApiStartNs() / NS_PER_MS;
        }
        if (event instanceof KernelExec k) {
            return k.getApiStartNs() / NS_PER_MS;
        }
        return ((ServingSample) event).getIntervalEndNs() / NS_PER_MS;
    }

    private DeadLetter undecodable(Record<String, SpecificRecord> record, byte[] element, int index, int count,
            SchemaDecodingException e) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        return DeadLetter.newBuilder()
                .setSourceTopic(source == null ? Topics.NODE_EVENTS : source.topic())
                .setSourcePartition(source == null ? -1 : source.partition())
                .setSourceOffset(source == null ? -1 : source.offset())
                .setRecordTimestampMs(record.timestamp())
                .setStage("deserialization")
                .setReason("event " + (index + 1) + " of " + count + " of a node event batch: " + e.getMessage())
                .setErrorClass(e.getClass().getName())
                .setKey(record.key() == null ? null
                        : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(element))
                .build();
    }
}
