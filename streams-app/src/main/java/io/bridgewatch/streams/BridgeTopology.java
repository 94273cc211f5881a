package io.bridgewatch.streams;

import io.bridgewatch.schema.BridgeAlert;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.ComputeParity;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.cohort.CohortAggregator;
import io.bridgewatch.streams.cohort.CohortSampleProcessor;
import io.bridgewatch.streams.cohort.CohortSamples;
import io.bridgewatch.streams.cohort.CohortWindow;
import io.bridgewatch.streams.cohort.NodeEnricher;
import io.bridgewatch.streams.cohort.NodeFactsProcessor;
import io.bridgewatch.streams.concurrency.ConcurrencyState;
import io.bridgewatch.streams.internal.CohortSample;
import io.bridgewatch.streams.internal.CohortWindowState;
import io.bridgewatch.streams.internal.CostWindowState;
import io.bridgewatch.streams.internal.KernelWindowState;
import io.bridgewatch.streams.internal.PhaseOccurrenceState;
import io.bridgewatch.streams.internal.RouteFit;
import io.bridgewatch.streams.internal.TollBaselineState;
import io.bridgewatch.streams.internal.TollObservation;
import io.bridgewatch.streams.late.Gated;
import io.bridgewatch.streams.late.LateRecordGate;
import io.bridgewatch.streams.late.LateRecords;
import io.bridgewatch.streams.node.NodeEventProcessor;
import io.bridgewatch.streams.phase.BridgeFitProcessor;
import io.bridgewatch.streams.regression.TollObservations;
import io.bridgewatch.streams.regression.TollRegressionDetector;
import io.bridgewatch.streams.view.ProvisionalComparisons;
import io.bridgewatch.streams.view.ResultViewWriter;
import io.bridgewatch.streams.window.NodeTimeWindowProcessor;
import io.bridgewatch.streams.window.ObjectCacheStoreBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;

/**
 * The Bridgewatch topology, a pure function of its config. Every step is named (see {@link StoreNames}).
 *
 * <p>Inputs: node event batches, and the per-event topics of older collectors. Per node (key = node id, so one task
 * sees all of a node's crossings and kernels, and nothing is repartitioned) one processor, {@link NodeEventProcessor},
 * takes each batch's events in host order through every per-node stage: records whose window has closed go to the
 * dead-letter topic; kernels and copies advance the per-stream GPU tails and each crossing is charged
 * {@code done - ready} (DESIGN 4.1) and judged blocking or not when async (4.2); copy and kernel intervals are
 * measured for concurrency (4.3); phases (4.5) and kernel durations (4.6) are gathered; each folded into event-time
 * windows whose final result is emitted once the window closes. Those results go to their views and topics, and with
 * the serving samples, regrouped by cohort, to the cohort comparisons (4.4) and the regression alerts (4.7).
 */
public final class BridgeTopology {
    private BridgeTopology() {
    }

    /** The topology of the deployed streams-app: durable, changelogged state. */
    public static Topology build(TopologyConfig config) {
        return build(config, StateDurability.DURABLE);
    }

    public static Topology build(TopologyConfig config, StateDurability durability) {
        return build(config, durability, TopologyOutputs.ALL);
    }

    /** A topology that produces only {@code outputs} (and the dead letters), for offline runs that read no more. */
    public static Topology build(TopologyConfig config, StateDurability durability, TopologyOutputs outputs) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(new ObjectCacheStoreBuilder<>(StoreNames.STREAM_TAILS, Serdes.Long(), durability));
        builder.addStateStore(new ObjectCacheStoreBuilder<>(StoreNames.HOST_TAILS, Serdes.Long(), durability));
        builder.addStateStore(new ObjectCacheStoreBuilder<>(StoreNames.BRIDGE_COST_WINDOWS,
                BridgewatchSerdes.of(CostWindowState.class), durability));
        builder.addStateStore(new ObjectCacheStoreBuilder<>(StoreNames.CONCURRENCY_WINDOWS,
                ConcurrencyState.serde(), durability));
        builder.addStateStore(new ObjectCacheStoreBuilder<>(StoreNames.KERNEL_WINDOWS,
                BridgewatchSerdes.of(KernelWindowState.class), durability));
        builder.addStateStore(new ObjectCacheStoreBuilder<>(StoreNames.COHORT_WINDOWS,
                BridgewatchSerdes.of(CohortWindowState.class), durability));
        builder.addStateStore(durability.keyValueStore(StoreNames.NODE_BRIDGE_FIT, Serdes.String(),
                BridgewatchSerdes.of(RouteFit.class)));
        builder.addStateStore(new ObjectCacheStoreBuilder<>(StoreNames.PHASE_OCCURRENCES,
                BridgewatchSerdes.of(PhaseOccurrenceState.class), durability));
        addResultViews(builder, config, durability, outputs);

        builder.addStateStore(durability.keyValueStore(StoreNames.NODE_INFO, Serdes.String(),
                BridgewatchSerdes.nodeInfo()));
        builder.stream(Topics.NODES, Consumed.with(Serdes.String(), BridgewatchSerdes.nodeInfo())
                        .withName("nodes-source"))
                .process(NodeFactsProcessor::new, Named.as("node-facts"), StoreNames.NODE_INFO);

        KStream<String, SpecificRecord> produced = nodeEvents(builder)
                .process(() -> new NodeEventProcessor(config, outputs), Named.as("node-events"),
                        NodeEventProcessor.stores());
        ofType(produced, DeadLetter.class, "node-dead-letters").to(Topics.DLQ, Produced.with(Serdes.String(),
                BridgewatchSerdes.deadLetter()).withName("node-dead-letters-sink"));
        KStream<String, BridgeCostWindow> costs = outputs.costWindows()
                ? bridgeCost(ofType(produced, BridgeCostWindow.class, "bridge-cost")) : null;
        KStream<String, ConcurrencyWindow> concurrency = outputs.concurrency()
                ? concurrency(ofType(produced, ConcurrencyWindow.class, "concurrency")) : null;
        KStream<String, PhaseOccurrence> phases = outputs.phases()
                ? phases(ofType(produced, PhaseOccurrence.class, "phases"), costs) : null;
        if (outputs.cohorts()) {
            cohorts(ofType(produced, ServingSample.class, "serving"), costs, concurrency, phases,
                    ofType(produced, CohortSample.class, "kernel-durations"), config, durability);
        }
        if (outputs.alerts()) {
            tollRegressions(builder, costs, config, durability);
        }
        return builder.build();
    }

    private static void addResultViews(StreamsBuilder builder, TopologyConfig config, StateDurability durability,
            TopologyOutputs outputs) {
        Duration retention = config.resultRetention();
        if (outputs.costWindows()) {
            builder.addStateStore(durability.resultView(StoreNames.NODE_COST_VIEW, retention, config.nodeWindow(),
                    BridgewatchSerdes.bridgeCostWindow()));
        }
        if (outputs.concurrency()) {
            builder.addStateStore(durability.resultView(StoreNames.NODE_CONCURRENCY_VIEW, retention,
                    config.nodeWindow(), BridgewatchSerdes.of(ConcurrencyWindow.class)));
        }
        if (outputs.phases()) {
            builder.addStateStore(durability.resultView(StoreNames.NODE_PHASE_VIEW, retention, config.nodeWindow(),
                    BridgewatchSerdes.of(PhaseOccurrence.class)));
        }
        if (!outputs.cohorts()) {
            return;
        }
        builder.addStateStore(durability.resultView(StoreNames.COHORT_COMPARISON_VIEW, retention,
                config.cohortWindow(), BridgewatchSerdes.of(CohortComparison.class)));
        builder.addStateStore(durability.resultView(StoreNames.COHORT_PARITY_VIEW, retention, config.cohortWindow(),
                BridgewatchSerdes.of(ComputeParity.class)));
        builder.addStateStore(durability.keyValueStore(StoreNames.COHORT_PROVISIONAL_VIEW, Serdes.String(),
                BridgewatchSerdes.of(CohortComparison.class)));
    }

    /**
     * What collectors send: node event batches, and the per-event topics that older collectors write; one stream, so
     * that one processor sees a node's events in the order they come.
     */
    private static KStream<String, SpecificRecord> nodeEvents(StreamsBuilder builder) {
        return asEvents(builder.stream(Topics.NODE_EVENTS, Consumed.with(Serdes.String(),
                        BridgewatchSerdes.of(NodeEventBatch.class)).withName("node-events-source")))
                .merge(asEvents(builder.stream(Topics.KERNELS, Consumed.with(Serdes.String(),
                        BridgewatchSerdes.kernelExec()).withName("kernels-source"))), Named.as("kernels-merge"))
                .merge(asEvents(builder.stream(Topics.CROSSINGS, Consumed.with(Serdes.String(),
                        BridgewatchSerdes.crossing()).withName("crossings-source"))), Named.as("crossings-merge"))
                .merge(asEvents(builder.stream(Topics.SERVING, Consumed.with(Serdes.String(),
                        BridgewatchSerdes.servingSample()).withName("serving-source"))), Named.as("serving-merge"));
    }

    /** A stream read as a stream of its values' supertype: sound, since nothing is written into it. */
    @SuppressWarnings("unchecked")
    private static KStream<String, SpecificRecord> asEvents(KStream<String, ? extends SpecificRecord> stream) {
        return (KStream<String, SpecificRecord>) stream;
    }

    /** What the node event processor produced of one type. */
    private static <V extends SpecificRecord> KStream<String, V> ofType(KStream<String, SpecificRecord> produced,
            Class<V> type, String name) {
        return produced.filter((node, value) -> type.isInstance(value), Named.as(name + "-produced"))
                .mapValues(type::cast, Named.as(name + "-produced-typed"));
    }

    /** Passes on-time records on and sends late ones, with the reason, to the dead-letter topic. */
    private static <V> KStream<String, V> onTime(KStream<String, V> input, String name,
            FixedKeyProcessorSupplier<String, V, Gated<V>> gate) {
        KStream<String, Gated<V>> gated = input.processValues(gate, Named.as(name + "-late-gate"));
        gated.filter((node, g) -> g.late(), Named.as(name + "-late"))
                .mapValues(Gated::deadLetter, Named.as(name + "-late-letters"))
                .to(Topics.DLQ, Produced.with(Serdes.String(), BridgewatchSerdes.deadLetter())
                        .withName(name + "-late-sink"));
        return gated.filterNot((node, g) -> g.late(), Named.as(name + "-on-time"))
                .mapValues(Gated::value, Named.as(name + "-on-time-values"));
    }

    private static KStream<String, BridgeCostWindow> bridgeCost(KStream<String, BridgeCostWindow> closed) {
        KStream<String, BridgeCostWindow> results = closed.processValues(() -> new ResultViewWriter<>(
                StoreNames.NODE_COST_VIEW, BridgeCostWindow::getWindowStartNs), Named.as("node-cost-view"),
                StoreNames.NODE_COST_VIEW);
        results.to(Topics.BRIDGE_COST, Produced.with(Serdes.String(), BridgewatchSerdes.bridgeCostWindow())
                .withName("bridge-cost-sink"));
        return results;
    }

    private static KStream<String, ConcurrencyWindow> concurrency(KStream<String, ConcurrencyWindow> closed) {
        KStream<String, ConcurrencyWindow> results = closed.processValues(() -> new ResultViewWriter<>(
                StoreNames.NODE_CONCURRENCY_VIEW, ConcurrencyWindow::getWindowStartNs),
                Named.as("node-concurrency-view"), StoreNames.NODE_CONCURRENCY_VIEW);
        results.to(Topics.CONCURRENCY, Produced.with(Serdes.String(), BridgewatchSerdes.of(ConcurrencyWindow.class))
                .withName("concurrency-sink"));
        return results;
    }

    /**
     * In-stream regression detection (DESIGN 4.7): node-window tolls regrouped by cohort, cc mode, direction and host
     * memory (a second repartition, of one record per node window), judged against the cohort's rolling baseline;
     * alerts go to the alerts topic keyed by node.
     */
    private static void tollRegressions(StreamsBuilder builder, KStream<String, BridgeCostWindow> costs,
            TopologyConfig config, StateDurability durability) {
        builder.addStateStore(durability.keyValueStore(StoreNames.TOLL_BASELINES, Serdes.String(),
                BridgewatchSerdes.of(TollBaselineState.class)));
        costs.process(TollObservations::new, Named.as("toll-observations"), StoreNames.NODE_INFO)
                .repartition(Repartitioned.<String, TollObservation>as("toll-baselines")
                        .withKeySerde(Serdes.String()).withValueSerde(BridgewatchSerdes.of(TollObservation.class)))
                .processValues(() -> new TollRegressionDetector(config.regressionThreshold(),
                        config.regressionHalfLife()), Named.as("toll-regression"), StoreNames.TOLL_BASELINES)
                .selectKey((key, alert) -> alert.getNodeId(), Named.as("toll-alerts-by-node"))
                .to(Topics.ALERTS, Produced.with(Serdes.String(), BridgewatchSerdes.of(BridgeAlert.class))
                        .withName("alerts-sink"));
    }

    /**
     * Phase occurrences (DESIGN 4.5), with the node's latest bridge fit kept for their predictions: each closed cost
     * window stores its fit before the node event processor goes on (see {@link NodeEventProcessor}).
     */
    private static KStream<String, PhaseOccurrence> phases(KStream<String, PhaseOccurrence> occurrences,
            KStream<String, BridgeCostWindow> costs) {
        costs.process(BridgeFitProcessor::new, Named.as("bridge-fit"), StoreNames.NODE_BRIDGE_FIT);
        KStream<String, PhaseOccurrence> results = occurrences.processValues(() -> new ResultViewWriter<>(
                StoreNames.NODE_PHASE_VIEW, PhaseOccurrence::getStartNs), Named.as("node-phase-view"),
                StoreNames.NODE_PHASE_VIEW);
        results.to(Topics.PHASES, Produced.with(Serdes.String(), BridgewatchSerdes.of(PhaseOccurrence.class))
                .withName("phases-sink"));
        return results;
    }

    /**
     * Cohort comparisons (DESIGN 4.1, 4.3, 4.4): serving samples and closed node windows, joined with their node's
     * facts, regrouped by cohort (the one repartition) and compared per variant with the cohort's reference.
     */
    private static void cohorts(KStream<String, ServingSample> serving,
            KStream<String, BridgeCostWindow> costs, KStream<String, ConcurrencyWindow> concurrency,
            KStream<String, PhaseOccurrence> phases, KStream<String, CohortSample> kernelSamples,
            TopologyConfig config, StateDurability durability) {
        KStream<String, CohortSample> servingSamples = serving.processValues(() -> new CohortSampleProcessor<>(
                s -> Optional.of(CohortSamples.of(s)), ServingSample::getIntervalStartNs), Named.as("serving-samples"));
        KStream<String, CohortSample> costSamples = costs.processValues(() -> new CohortSampleProcessor<>(
                CohortSamples::of, BridgeCostWindow::getWindowStartNs), Named.as("bridge-cost-samples"));
        KStream<String, CohortSample> concurrencySamples = concurrency.processValues(
                () -> new CohortSampleProcessor<>(CohortSamples::of, ConcurrencyWindow::getWindowStartNs),
                Named.as("concurrency-samples"));
        KStream<String, CohortSample> phaseSamples = phases.processValues(() -> new CohortSampleProcessor<>(
                p -> Optional.of(CohortSamples.of(p)), PhaseOccurrence::getStartNs), Named.as("phase-samples"));
        Serde<CohortSample> sampleSerde = BridgewatchSerdes.of(CohortSample.class);
        KStream<String, CohortSample> enriched = servingSamples
                .merge(costSamples, Named.as("cohort-samples-cost"))
                .merge(concurrencySamples, Named.as("cohort-samples-concurrency"))
                .merge(phaseSamples, Named.as("cohort-samples-phases"))
                .merge(kernelSamples, Named.as("cohort-samples"))
                .processValues(NodeEnricher::new, Named.as("cohort-enrich"), StoreNames.NODE_INFO);
        enriched.filter((node, sample) -> sample.getCohort() == null, Named.as("cohort-unknown-node"))
                .mapValues((node, sample) -> unknownNode(node, sample, sampleSerde), Named.as("cohort-unknown-letters"))
                .to(Topics.DLQ, Produced.with(Serdes.String(), BridgewatchSerdes.deadLetter())
                        .withName("cohort-unknown-sink"));
        KStream<String, CohortSample> byCohort = enriched
                .filter((node, sample) -> sample.getCohort() != null, Named.as("cohort-known-node"))
                .selectKey((node, sample) -> sample.getCohort(), Named.as("cohort-key"))
                .repartition(Repartitioned.<String, CohortSample>as(StoreNames.COHORT_INPUTS)
                        .withKeySerde(Serdes.String()).withValueSerde(sampleSerde));
        // After the repartition, so that the gate sees the cohort windows' inputs in their order.
        KStream<String, CohortWindow> windows = onTime(byCohort, "cohort-inputs",
                        () -> new LateRecordGate<>(LateRecords.perNode("cohort-inputs", sampleSerde.serializer(),
                                config.cohortClose(), CohortWindow::feeder)))
                .process(() -> new NodeTimeWindowProcessor<>(StoreNames.COHORT_WINDOWS, CohortWindow.AGGREGATION,
                                CohortWindow.NODES, config.cohortClose(), config.cohortProvisional()),
                        Named.as("cohort-aggregate"), StoreNames.COHORT_WINDOWS);
        // Provisional comparisons of open windows are kept apart, for /metrics, until their window's final one
        // comes; only final ones reach the result view and the topic.
        windows.flatMapValues(window -> CohortAggregator.results(window, config.baseline()),
                        Named.as("cohort-results"))
                .processValues(ProvisionalComparisons::new, Named.as("cohort-provisional-view"),
                        StoreNames.COHORT_PROVISIONAL_VIEW)
                .filterNot((cohort, comparison) -> comparison.getProvisional(), Named.as("cohort-results-final"))
                .processValues(() -> new ResultViewWriter<>(StoreNames.COHORT_COMPARISON_VIEW,
                        CohortComparison::getWindowStartNs), Named.as("cohort-comparison-view"),
                        StoreNames.COHORT_COMPARISON_VIEW)
                .to(Topics.MITIGATION, Produced.with(Serdes.String(), BridgewatchSerdes.of(CohortComparison.class))
                        .withName("mitigation-sink"));
        windows.filterNot((cohort, window) -> window.provisional(), Named.as("cohort-windows-closed"))
                .flatMapValues(window -> CohortAggregator.parity(window.cohort(), window.startNs(), window.endNs(),
                        window.state(), config.baseline()), Named.as("compute-parity-results"))
                .processValues(() -> new ResultViewWriter<>(StoreNames.COHORT_PARITY_VIEW,
                        ComputeParity::getWindowStartNs), Named.as("cohort-parity-view"),
                        StoreNames.COHORT_PARITY_VIEW)
                .to(Topics.COMPUTE_PARITY, Produced.with(Serdes.String(), BridgewatchSerdes.of(ComputeParity.class))
                        .withName("compute-parity-sink"));
    }

    private static DeadLetter unknownNode(String node, CohortSample sample, Serde<CohortSample> serde) {
        return DeadLetter.newBuilder()
                .setSourceTopic(Topics.NODES)
                .setSourcePartition(-1)
                .setSourceOffset(-1)
                .setRecordTimestampMs(0)
                .setStage("enrichment")
                .setReason("no NodeInfo for node '" + node + "' on " + Topics.NODES
                        + ": cannot place it in a cohort (is its collector sending node facts?)")
                .setKey(ByteBuffer.wrap(node.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(serde.serializer().serialize(Topics.NODES, sample)))
                .build();
    }

}
