package io.bridgewatch.streams;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Where the topology keeps its state. The deployed streams-app keeps it {@link #DURABLE}: RocksDB with changelog
 * topics, so an instance that fails or moves restores it. An offline run over a finite trace has nothing to restore
 * and commits after every record, so it keeps state in {@link #PROCESS_MEMORY}: in-memory stores without changelogs,
 * window aggregates as objects only.
 */
public enum StateDurability {
    DURABLE,
    PROCESS_MEMORY;

    public <V> StoreBuilder<KeyValueStore<String, V>> keyValueStore(String name, Serde<String> keys, Serde<V> values) {
        if (this == DURABLE) {
            return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values);
        }
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values).withLoggingDisabled();
    }

    /**
     * A result view: a window store that keeps every result row of a window (several per key and window start) for
     * the retention. Caching is off so that a query sees exactly what was emitted; durable views are changelogged,
     * so standby replicas hold them and a moved task restores them.
     */
    public <V> StoreBuilder<WindowStore<String, V>> resultView(String name, Duration retention, Duration window,
            Serde<V> values) {
        if (this == DURABLE) {
            return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, retention, window, true),
                    Serdes.String(), values).withCachingDisabled();
        }
        return Stores.windowStoreBuilder(Stores.inMemoryWindowStore(name, retention, window, true),
                Serdes.String(), values).withCachingDisabled()
                .withLoggingDisabled();
    }
}
