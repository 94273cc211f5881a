package io.bridgewatch.streams;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.cost.CostWindowAggregator;
import io.bridgewatch.streams.cost.CrossingCostProcessor;
import io.bridgewatch.streams.cost.KernelTailProcessor;
import io.bridgewatch.streams.internal.CostSample;
import io.bridgewatch.streams.internal.CostWindowState;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The Bridgewatch topology, a pure function of its config. Every stateful step is named (see {@link StoreNames}).
 *
 * <p>Bridge-crossing cost (DESIGN 4.1): kernels and crossings of a node share one partition (key = node id), so one
 * task sees a node's streams whole; kernels and copies advance the per-stream GPU tails, each crossing is charged
 * {@code done - ready}, and costs are folded per node into event-time windows whose final result, one record per
 * (gpu, direction, host memory, form), is emitted once the window closes.
 */
public final class BridgeTopology {
    private BridgeTopology() {
    }

    public static Topology build(TopologyConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.STREAM_TAILS), Serdes.String(), Serdes.Long()));

        builder.stream(Topics.KERNELS, Consumed.with(Serdes.String(), BridgewatchSerdes.kernelExec())
                        .withName("kernels-source"))
                .processValues(KernelTailProcessor::new, Named.as("kernel-stream-tails"), StoreNames.STREAM_TAILS);

        builder.stream(Topics.CROSSINGS, Consumed.with(Serdes.String(), BridgewatchSerdes.crossing())
                        .withName("crossings-source"))
                .processValues(CrossingCostProcessor::new, Named.as("crossing-cost"), StoreNames.STREAM_TAILS)
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
                .flatMap((window, state) -> {
                    List<BridgeCostWindow> results = CostWindowAggregator.results(window.key(),
                            window.window().start() * 1_000_000L, window.window().end() * 1_000_000L, state);
                    return results.stream().map(r -> KeyValue.pair(window.key(), r)).toList();
                }, Named.as("bridge-cost-results"))
                .to(Topics.BRIDGE_COST, Produced.with(Serdes.String(), BridgewatchSerdes.bridgeCostWindow())
                        .withName("bridge-cost-sink"));
        return builder.build();
    }
}
