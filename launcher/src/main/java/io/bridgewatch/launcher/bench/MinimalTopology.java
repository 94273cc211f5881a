package io.bridgewatch.launcher.bench;

import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
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

/**
 * The benchmark's baseline: the least a windowed pipeline over the same input does. It decodes the same records
 * (node event batches, serving samples), counts their events per node in the same windows (same size and grace,
 * final results only; a batch counts at its record's time, its last event's) and writes "window end ms,count" per
 * node and window. It does not unpack a batch's events: what the full topology pays beyond it is that, and the
 * analytics.
 */
final class MinimalTopology {
    static final String OUTPUT = "bridgewatch.bench-counts.v1";

    private MinimalTopology() {
    }

    static Topology build(Duration window, Duration grace) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Long> batched = builder.stream(Topics.NODE_EVENTS,
                        Consumed.with(Serdes.String(), BridgewatchSerdes.of(NodeEventBatch.class))
                                .withName("min-node-events"))
                .mapValues(batch -> (long) batch.getEvents().size(), Named.as("min-batch-sizes"));
        KStream<String, Long> serving = builder.stream(Topics.SERVING,
                        Consumed.with(Serdes.String(), BridgewatchSerdes.servingSample()).withName("min-serving"))
                .mapValues(v -> 1L, Named.as("min-serving-ones"));
        batched.merge(serving, Named.as("min-events"))
                .groupByKey(Grouped.with("min-by-node", Serdes.String(), Serdes.Long()))
                .windowedBy(TimeWindows.ofSizeAndGrace(window, grace))
                .reduce(Long::sum, Named.as("min-count"), Materialized.as("min-counts"))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("min-final"))
                .toStream(Named.as("min-closed"))
                .map((w, count) -> KeyValue.pair(w.key(), w.window().end() + "," + count), Named.as("min-results"))
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()).withName("min-sink"));
        return builder.build();
    }
}
