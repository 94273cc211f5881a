package io.bridgewatch.streams.query;

import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.streams.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** {@link LocalViews} of a running Kafka Streams instance, through interactive queries. */
public final class KafkaStreamsViews implements LocalViews {
    /** Lags are fetched from the brokers: reuse them for this long. */
    private static final Duration LAG_REFRESH = Duration.ofSeconds(1);
    private final KafkaStreams streams;
    private final HostInfo self;
    private volatile Map<String, Map<Integer, LagInfo>> lags = Map.of();
    private volatile long lagsFetchedNanos = Long.MIN_VALUE;

    public KafkaStreamsViews(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Set<Integer> activePartitions(String store) {
        return streams.streamsMetadataForStore(store).stream()
                .filter(m -> m.hostInfo().equals(self))
                .flatMap(m -> m.topicPartitions().stream())
                .map(tp -> tp.partition())
                .filter(p -> windowStore(store, p, false).isPresent())
                .collect(Collectors.toSet());
    }

    @Override
    public <V> Optional<ReadOnlyWindowStore<String, V>> windowStore(String store, int partition) {
        return windowStore(store, partition, true);
    }

    private <V> Optional<ReadOnlyWindowStore<String, V>> windowStore(String store, int partition,
            boolean standbyToo) {
        StoreQueryParameters<ReadOnlyWindowStore<String, V>> query = StoreQueryParameters
                .fromNameAndType(store, QueryableStoreTypes.<String, V>windowStore()).withPartition(partition);
        try {
            ReadOnlyWindowStore<String, V> view = streams.store(standbyToo ? query.enableStaleStores() : query);
            // The partition is checked when the store is used, not when it is handed out: probe it once.
            view.fetch("", Instant.EPOCH, Instant.EPOCH).close();
            return Optional.of(view);
        } catch (InvalidStateStoreException notHere) {
            return Optional.empty();
        }
    }

    @Override
    public <V> Optional<ReadOnlyKeyValueStore<String, V>> keyValueStore(String store, int partition) {
        try {
            return Optional.of(streams.store(StoreQueryParameters.fromNameAndType(store,
                    QueryableStoreTypes.<String, V>keyValueStore()).withPartition(partition)
                    .enableStaleStores()));
        } catch (InvalidStateStoreException notHere) {
            return Optional.empty();
        }
    }

    @Override
    public long offsetLag(String store, int partition) {
        long now = System.nanoTime();
        if (now - lagsFetchedNanos > LAG_REFRESH.toNanos()) {
            lags = streams.allLocalStorePartitionLags();
            lagsFetchedNanos = now;
        }
        LagInfo lag = lags.getOrDefault(store, Map.of()).get(partition);
        return lag == null ? 0 : lag.offsetLag();
    }
}
