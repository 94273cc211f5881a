package io.bridgewatch.streams.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that keeps the values it serves as objects and writes changed ones to its durable store (RocksDB
 * with a changelog) once per commit, not on every put: an aggregate updated by every event is serialized once per
 * commit instead of once per event. Without write-through (state kept in process memory only) the objects are the
 * whole store.
 *
 * <p>The write must land in the transaction that commits the input offsets, and only a <em>cache</em> is written
 * then: before a commit Kafka Streams calls {@link CachedStateStore#flushCache()} on the stores that are caches, sends
 * what that produced and commits the transaction; {@code flush()} and {@code commit(Map)} of a store come only
 * afterwards, when the task writes a checkpoint (under exactly-once rarely: every 10,000 changelog records or at a
 * clean close). Writing there left the changelog a commit or more behind the input offsets, and a task that moved
 * or failed restored windows without the events it had already committed (lost or short windows after a fault).
 * Hence this store is a {@link CachedStateStore}, an interface of Streams' own caching layers.
 */
public final class ObjectCacheStore<V> implements StateStore, CachedStateStore<String, V> {
    private final KeyValueStore<String, V> durable;
    private final Map<String, V> objects = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    /** The key marked dirty last (a window updated by every event of a run is marked once, not per event). */
    private String lastDirty;
    /** The key and value put last: a window's state, changed in place, is put again by every event of a run. */
    private String lastPutKey;
    private V lastPutValue;
    private final boolean writeThrough;

    ObjectCacheStore(KeyValueStore<String, V> durable, boolean writeThrough) {
        this.durable = durable;
        this.writeThrough = writeThrough;
    }

    public V get(String key) {
        V value = objects.get(key);
        if (value == null) {
            value = durable.get(key);
            if (value != null) {
                objects.put(key, value);
            }
        }
        return value;
    }

    /** Stores the value; the caller may keep changing the same object until the next flush. */
    public void put(String key, V value) {
        if (key != lastPutKey || value != lastPutValue) {
            objects.put(key, value);
            lastPutKey = key;
            lastPutValue = value;
        }
        if (writeThrough && key != lastDirty) {
            dirty.add(key);
            lastDirty = key;
        }
    }

    public void delete(String key) {
        objects.remove(key);
        lastPutKey = null;
        lastPutValue = null;
        dirty.remove(key);
        lastDirty = null;
        durable.delete(key);
    }

    /**
     * Forgets every cached object, written or not: the durable store holds the truth. Processors call it from
     * {@code init()}, because Kafka Streams can hand a task's open stores from one role to another without closing
     * them: a standby promoted to active (after an instance or broker fault) has had the changelog restored into the
     * durable store underneath, and objects cached while this store last served an active task (before a rebalance
     * made it a standby) are stale then; uncommitted ones of an aborted transaction must go too. Without
     * write-through (process memory only: no standbys, no restores) the objects are the store and stay.
     */
    public void reload() {
        if (writeThrough) {
            objects.clear();
            lastPutKey = null;
            lastPutValue = null;
            dirty.clear();
            lastDirty = null;
        }
    }

    /** Every key in the store, flushed or not. */
    public List<String> keys() {
        if (!writeThrough) {
            return new ArrayList<>(objects.keySet());
        }
        writeDirty();
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> all = durable.all()) {
            all.forEachRemaining((KeyValue<String, V> entry) -> keys.add(entry.key));
        }
        return keys;
    }

    private void writeDirty() {
        for (String key : dirty) {
            durable.put(key, objects.get(key));
        }
        dirty.clear();
        lastDirty = null;
    }

    /** Before each commit: the changed objects go to the durable store and its changelog, in the transaction. */
    @Override
    public void flushCache() {
        writeDirty();
    }

    /** A task closed dirty: what was not committed is forgotten (the durable store is restored anew). */
    @Override
    public void clearCache() {
        reload();
    }

    /** Nothing to forward on a flush: the processors forward their own results. */
    @Override
    public boolean setFlushListener(CacheFlushListener<String, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        writeDirty();
        durable.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeDirty();
        durable.commit(changelogOffsets);
    }

    @Override
    public String name() {
        return durable.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        durable.init(context, root);
    }

    @Override
    public void close() {
        objects.clear();
        lastPutKey = null;
        lastPutValue = null;
        dirty.clear();
        lastDirty = null;
        durable.close();
    }

    @Override
    public boolean persistent() {
        return durable.persistent();
    }

    @Override
    public boolean isOpen() {
        return durable.isOpen();
    }

    @Override
    public boolean managesOffsets() {
        return durable.managesOffsets();
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return durable.committedOffset(partition);
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return durable.approximateNumUncommittedBytes();
    }

    /**
     * Answers from the durable store, as of the last commit: a query runs on the caller's thread, and only the
     * stream thread that owns this store may write to it.
     */
    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return durable.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return durable.getPosition();
    }
}
