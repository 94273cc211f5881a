package io.bridgewatch.streams;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.concurrency.ConcurrencyAggregator;
import io.bridgewatch.streams.concurrency.IntervalSplitter;
import io.bridgewatch.streams.concurrency.Intervals;
import io.bridgewatch.streams.cost.AsyncBlocking;
import io.bridgewatch.streams.cost.CostWindowAggregator;
import io.bridgewatch.streams.cost.CrossingCostProcessor;
import io.bridgewatch.streams.cost.KernelTailProcessor;
import io.bridgewatch.streams.internal.ConcurrencyWindowState;
import io.bridgewatch.streams.internal.CostSample;
import io.bridgewatch.streams.internal.CostWindowState;
import io.bridgewatch.streams.internal.IntervalSample;
import io.bridgewatch.streams.late.Gated;
import io.bridgewatch.streams.late.LateRecordGate;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The Bridgewatch topology, a pure function of its config. Every step is named (see {@link StoreNames}).
 *
 * <p>Per node (key = node id, so one task sees all of a node's crossings and kernels, and nothing is
 * repartitioned): records whose window has closed go to the dead-letter topic; kernels and copies advance the
 * per-stream GPU tails and each crossing is charged {@code done - ready} (DESIGN 4.1) and judged blocking or not
 * when async (4.2); copy and kernel intervals are measured for concurrency (4.3). Each is folded into event-time
 * windows whose final result is emitted once the window closes.
 */
public final class BridgeTopology {
    private static final long NS_PER_MS = 1_000_000L;

    private BridgeTopology() {
    }

    public static Topology build(TopologyConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.STREAM_TAILS), Serdes.String(), Serdes.Long()));

        KStream<String, KernelExec> kernels = onTime(builder.stream(Topics.KERNELS,
                Consumed.with(Serdes.String(), BridgewatchSerdes.kernelExec()).withName("kernels-source")),
                "kernels", Topics.KERNELS, BridgewatchSerdes.kernelExec(), config.nodeWindow(), config.grace());
        KStream<String, Crossing> crossings = onTime(builder.stream(Topics.CROSSINGS,
                Consumed.with(Serdes.String(), BridgewatchSerdes.crossing()).withName("crossings-source")),
                "crossings", Topics.CROSSINGS, BridgewatchSerdes.crossing(), config.nodeWindow(), config.grace());

        kernels.processValues(KernelTailProcessor::new, Named.as("kernel-stream-tails"), StoreNames.STREAM_TAILS);
        bridgeCost(crossings, config);
        concurrency(crossings, kernels, config);
        return builder.build();
    }

    /** Passes on-time records on and sends late ones, with the reason, to the dead-letter topic. */
    private static <V> KStream<String, V> onTime(KStream<String, V> input, String name, String topic, Serde<V> serde,
            Duration window, Duration grace) {
        KStream<String, Gated<V>> gated = input.processValues(
                () -> new LateRecordGate<>(topic, serde.serializer(), window.toMillis(), grace.toMillis()),
                Named.as(name + "-late-gate"));
        gated.filter((node, g) -> g.late(), Named.as(name + "-late"))
                .mapValues(Gated::deadLetter, Named.as(name + "-late-letters"))
                .to(Topics.DLQ, Produced.with(Serdes.String(), BridgewatchSerdes.deadLetter())
                        .withName(name + "-late-sink"));
        return gated.filterNot((node, g) -> g.late(), Named.as(name + "-on-time"))
                .mapValues(Gated::value, Named.as(name + "-on-time-values"));
    }

    private static void bridgeCost(KStream<String, Crossing> crossings, TopologyConfig config) {
        AsyncBlocking asyncBlocking = new AsyncBlocking(config.referenceAsyncP99().toNanos());
        crossings.processValues(() -> new CrossingCostProcessor(asyncBlocking), Named.as("crossing-cost"),
                        StoreNames.STREAM_TAILS)
                .groupByKey(Grouped.with("bridge-cost-by-node", Serdes.String(),
                        BridgewatchSerdes.of(CostSample.class)))
                .windowedBy(TimeWindows.ofSizeAndGrace(config.nodeWindow(), config.grace()))
                .aggregate(CostWindowAggregator::empty, (node, sample, state) -> CostWindowAggregator.add(sample, state),
                        Named.as("bridge-cost-aggregate"),
                        Materialized.<String, CostWindowState, WindowStore<Bytes, byte[]>>as(
                                        StoreNames.BRIDGE_COST_WINDOWS)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(BridgewatchSerdes.of(CostWindowState.class)))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                        .withName("bridge-cost-final"))
                .toStream(Named.as("bridge-cost-closed"))
                .flatMap((window, state) -> pairs(window, CostWindowAggregator.results(window.key(),
                        startNs(window), endNs(window), state)), Named.as("bridge-cost-results"))
                .to(Topics.BRIDGE_COST, Produced.with(Serdes.String(), BridgewatchSerdes.bridgeCostWindow())
                        .withName("bridge-cost-sink"));
    }

    private static void concurrency(KStream<String, Crossing> crossings, KStream<String, KernelExec> kernels,
            TopologyConfig config) {
        long windowNs = config.nodeWindow().toNanos();
        ConcurrencyAggregator aggregator = new ConcurrencyAggregator(config.reorderSlack().toNanos());
        KStream<String, IntervalSample> copyIntervals = crossings.processValues(
                () -> new IntervalSplitter<Crossing>(Intervals::of, windowNs), Named.as("copy-intervals"));
        KStream<String, IntervalSample> kernelIntervals = kernels.processValues(
                () -> new IntervalSplitter<KernelExec>(Intervals::of, windowNs), Named.as("kernel-intervals"));
        copyIntervals.merge(kernelIntervals, Named.as("intervals"))
                .groupByKey(Grouped.with("concurrency-by-node", Serdes.String(),
                        BridgewatchSerdes.of(IntervalSample.class)))
                .windowedBy(TimeWindows.ofSizeAndGrace(config.nodeWindow(), config.grace()))
                .aggregate(ConcurrencyAggregator::empty, (node, sample, state) -> aggregator.add(sample, state),
                        Named.as("concurrency-aggregate"),
                        Materialized.<String, ConcurrencyWindowState, WindowStore<Bytes, byte[]>>as(
                                        StoreNames.CONCURRENCY_WINDOWS)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(BridgewatchSerdes.of(ConcurrencyWindowState.class)))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                        .withName("concurrency-final"))
                .toStream(Named.as("concurrency-closed"))
                .flatMap((window, state) -> pairs(window, ConcurrencyAggregator.results(window.key(),
                        startNs(window), endNs(window), state)), Named.as("concurrency-results"))
                .to(Topics.CONCURRENCY, Produced.with(Serdes.String(), BridgewatchSerdes.of(ConcurrencyWindow.class))
                        .withName("concurrency-sink"));
    }

    private static <V> List<KeyValue<String, V>> pairs(Windowed<String> window, List<V> results) {
        return results.stream().map(r -> KeyValue.pair(window.key(), r)).toList();
    }

    private static long startNs(Windowed<String> window) {
        return window.window().start() * NS_PER_MS;
    }

    private static long endNs(Windowed<String> window) {
        return window.window().end() * NS_PER_MS;
    }
}
