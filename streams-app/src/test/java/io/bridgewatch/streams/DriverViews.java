package io.bridgewatch.streams;

import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.streams.query.LocalViews;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** The stores of a {@link TopologyTestDriver} as the query layer's {@link LocalViews}: one partition, active. */
final class DriverViews implements LocalViews {
    private final TopologyTestDriver driver;

    DriverViews(TopologyTestDriver driver) {
        this.driver = driver;
    }

    @Override
    public Set<Integer> activePartitions(String store) {
        return Set.of(0);
    }

    @Override
    public <V> Optional<ReadOnlyWindowStore<String, V>> windowStore(String store, int partition) {
        return partition == 0 ? Optional.ofNullable(driver.<String, V>getWindowStore(store)) : Optional.empty();
    }

    @Override
    public <V> Optional<ReadOnlyKeyValueStore<String, V>> keyValueStore(String store, int partition) {
        return partition == 0 ? Optional.ofNullable(driver.<String, V>getKeyValueStore(store)) : Optional.empty();
    }

    @Override
    public long offsetLag(String store, int partition) {
        return 0;
    }
}
