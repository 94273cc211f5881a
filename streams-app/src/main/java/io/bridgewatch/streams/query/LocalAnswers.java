package io.bridgewatch.streams.query;

import io.bridgewatch.schema.NodeInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** Answers window queries from the stores this instance holds for a partition (active or standby). */
public final class LocalAnswers {
    private final LocalViews views;
    private final String instance;

    /** @param instance how this instance is named in answers (its {@code application.server}) */
    public LocalAnswers(LocalViews views, String instance) {
        this.views = views;
        this.instance = instance;
    }

    /** Whether this instance holds the scope's stores of the partition (active or standby). */
    public boolean holds(ResultView.Scope scope, int partition) {
        return scope.views().stream().allMatch(v -> views.windowStore(v.store(), partition).isPresent());
    }

    /**
     * The key's windows starting in [fromMs, toMs].
     *
     * @throws QueryException 404 for a node without node facts or a cohort without any result in the retention,
     *     503 when this instance does not hold the partition
     */
    public WindowsAnswer windows(ResultView.Scope scope, String key, int partition, long fromMs, long toMs) {
        if (!holds(scope, partition)) {
            throw QueryException.unavailable("partition " + partition + " of the " + scope.name().toLowerCase(
                    java.util.Locale.ROOT) + " results is not held by " + instance);
        }
        Map<String, List<SpecificRecord>> rows = new LinkedHashMap<>();
        for (ResultView view : scope.views()) {
            rows.put(view.label(), fetch(view, key, partition, fromMs, toMs));
        }
        if (scope == ResultView.Scope.NODE) {
            requireKnownNode(key, partition);
        } else if (rows.values().stream().allMatch(List::isEmpty) && !hasAnyResult(scope, key, partition)) {
            throw QueryException.notFound("no results for cohort '" + key + "' within the result retention");
        }
        String routing = scope.routingStore();
        boolean active = views.activePartitions(routing).contains(partition);
        long lag = views.offsetLag(routing, partition);
        return new WindowsAnswer(scope, key, fromMs, toMs, rows, new WindowsAnswer.Freshness(partition, instance,
                active ? WindowsAnswer.Role.ACTIVE : WindowsAnswer.Role.STANDBY, lag));
    }

    /**
     * The rows of a source's partition: of the given keys only when {@code keys} is present, else of all keys; of
     * windows starting in [fromMs, toMs] (node facts are not windowed and ignore the range).
     *
     * @throws QueryException 503 when this instance does not hold the partition
     */
    public PartitionRows rows(RowSource source, int partition, Optional<Set<String>> keys, long fromMs, long toMs) {
        String routing = source.scope().routingStore();
        if (!holds(source.scope(), partition)) {
            throw QueryException.unavailable("partition " + partition + " of " + source.label() + " is not held by "
                    + instance);
        }
        List<SpecificRecord> rows = new ArrayList<>();
        if (source.view().isPresent()) {
            ReadOnlyWindowStore<String, SpecificRecord> store = store(source.view().get(), partition);
            if (keys.isPresent()) {
                for (String key : keys.get()) {
                    try (WindowStoreIterator<SpecificRecord> it = store.fetch(key, Instant.ofEpochMilli(fromMs),
                            Instant.ofEpochMilli(toMs))) {
                        it.forEachRemaining(kv -> rows.add(kv.value));
                    }
                }
            } else {
                try (KeyValueIterator<Windowed<String>, SpecificRecord> it = store.fetchAll(
                        Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs))) {
                    it.forEachRemaining(kv -> rows.add(kv.value));
                }
            }
        } else {
            ReadOnlyKeyValueStore<String, NodeInfo> facts = views.nodeInfo(partition).orElseThrow(
                    () -> QueryException.unavailable("node facts of partition " + partition + " are not held by "
                            + instance));
            if (keys.isPresent()) {
                keys.get().stream().map(facts::get).filter(java.util.Objects::nonNull).forEach(rows::add);
            } else {
                try (KeyValueIterator<String, NodeInfo> it = facts.all()) {
                    it.forEachRemaining((KeyValue<String, NodeInfo> kv) -> rows.add(kv.value));
                }
            }
        }
        boolean active = views.activePartitions(routing).contains(partition);
        return new PartitionRows(source, rows, new WindowsAnswer.Freshness(partition, instance,
                active ? WindowsAnswer.Role.ACTIVE : WindowsAnswer.Role.STANDBY, views.offsetLag(routing,
                partition)), null);
    }

    private void requireKnownNode(String node, int partition) {
        Optional<ReadOnlyKeyValueStore<String, NodeInfo>> facts = views.nodeInfo(partition);
        if (facts.isPresent() && facts.get().get(node) == null) {
            throw QueryException.notFound("unknown node '" + node + "': no node facts for it (has its collector"
                    + " started?)");
        }
    }

    private boolean hasAnyResult(ResultView.Scope scope, String key, int partition) {
        return scope.views().stream().anyMatch(v -> !fetch(v, key, partition, 0, Long.MAX_VALUE).isEmpty());
    }

    private List<SpecificRecord> fetch(ResultView view, String key, int partition, long fromMs, long toMs) {
        ReadOnlyWindowStore<String, SpecificRecord> store = store(view, partition);
        List<SpecificRecord> rows = new ArrayList<>();
        try (WindowStoreIterator<SpecificRecord> it = store.fetch(key, Instant.ofEpochMilli(fromMs),
                Instant.ofEpochMilli(toMs))) {
            it.forEachRemaining(kv -> rows.add(kv.value));
        }
        return rows;
    }

    private ReadOnlyWindowStore<String, SpecificRecord> store(ResultView view, int partition) {
        return views.<SpecificRecord>windowStore(view.store(), partition).orElseThrow(() -> QueryException
                .unavailable("store " + view.store() + " partition " + partition + " is not held by " + instance));
    }
}
