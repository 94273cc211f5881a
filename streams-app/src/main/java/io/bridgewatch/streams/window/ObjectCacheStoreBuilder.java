package io.bridgewatch.streams.window;

import io.bridgewatch.streams.StateDurability;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds an {@link ObjectCacheStore}: over a persistent, changelogged key-value store (Streams' record cache off)
 * when durable, else over an in-memory store without changelog that it never writes to (objects only).
 */
public final class ObjectCacheStoreBuilder<V> implements StoreBuilder<ObjectCacheStore<V>> {
    private StoreBuilder<KeyValueStore<String, V>> durable;
    private final boolean writeThrough;

    public ObjectCacheStoreBuilder(String name, Serde<V> valueSerde, StateDurability durability) {
        this.durable = durability.keyValueStore(name, Serdes.String(), valueSerde).withCachingDisabled();
        this.writeThrough = durability == StateDurability.DURABLE;
    }

    @Override
    public StoreBuilder<ObjectCacheStore<V>> withCachingEnabled() {
        return this; // the object cache is the cache
    }

    @Override
    public StoreBuilder<ObjectCacheStore<V>> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<ObjectCacheStore<V>> withLoggingEnabled(Map<String, String> config) {
        durable = durable.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<ObjectCacheStore<V>> withLoggingDisabled() {
        durable = durable.withLoggingDisabled();
        return this;
    }

    @Override
    public ObjectCacheStore<V> build() {
        return new ObjectCacheStore<>(durable.build(), writeThrough);
    }

    @Override
    public Map<String, String> logConfig() {
        return durable.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return durable.loggingEnabled();
    }

    @Override
    public String name() {
        return durable.name();
    }
}
