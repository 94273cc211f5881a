package io.bridgewatch.streams.window;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Builds an {@link ObjectCacheStore} over a persistent, changelogged key-value store (Streams' record cache off). */
public final class ObjectCacheStoreBuilder<V> implements StoreBuilder<ObjectCacheStore<V>> {
    private StoreBuilder<KeyValueStore<String, V>> durable;

    public ObjectCacheStoreBuilder(String name, Serde<V> valueSerde) {
        this.durable = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), valueSerde)
                .withCachingDisabled();
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
        return new ObjectCacheStore<>(durable.build());
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
