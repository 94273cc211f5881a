package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.PartitionRows;
import io.bridgewatch.streams.query.QueryService;
import io.bridgewatch.streams.query.ResultView;
import io.bridgewatch.streams.query.RowSource;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Every partition of the application, each read where {@link QueryService} routes it (this instance, the active
 * instance, or the freshest standby), so that a query on any instance sees the rows of all of them.
 */
public final class FleetResultPartitions implements ResultPartitions {
    private final QueryService service;

    public FleetResultPartitions(QueryService service) {
        this.service = service;
    }

    @Override
    public Set<Integer> partitionsFor(ResultView.Scope scope, Optional<Set<String>> keys) {
        if (keys.isPresent()) {
            return keys.get().stream().map(k -> service.partitionOf(scope, k))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        return IntStream.range(0, service.partitions()).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public PartitionRows read(RowSource source, int partition, Optional<Set<String>> keys, long fromMs, long toMs) {
        return service.rows(source, partition, keys, fromMs, toMs, false);
    }
}
