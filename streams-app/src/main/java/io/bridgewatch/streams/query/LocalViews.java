package io.bridgewatch.streams.query;

import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.streams.StoreNames;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The result stores this instance holds, per partition: the seam between queries and Kafka Streams, so that the
 * query layer runs as well on a {@code TopologyTestDriver}'s stores as on a running instance's.
 */
public interface LocalViews {
    /** Partitions of the store this instance processes (active tasks). */
    Set<Integer> activePartitions(String store);

    /** The store's partition on this instance, active or standby (then possibly behind), or empty. */
    <V> Optional<ReadOnlyWindowStore<String, V>> windowStore(String store, int partition);

    /** A key-value store's partition on this instance, active or standby, or empty. */
    <V> Optional<ReadOnlyKeyValueStore<String, V>> keyValueStore(String store, int partition);

    /** The node facts of a node partition on this instance, or empty. */
    default Optional<ReadOnlyKeyValueStore<String, NodeInfo>> nodeInfo(int partition) {
        return keyValueStore(StoreNames.NODE_INFO, partition);
    }

    /** Changelog records the local copy of the store's partition has still to apply (0: up to date). */
    long offsetLag(String store, int partition);
}
