package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.PartitionRows;
import io.bridgewatch.streams.query.ResultView;
import io.bridgewatch.streams.query.RowSource;
import java.util.Optional;
import java.util.Set;

/**
 * Where SQL reads the stores from, partition by partition: this instance's own stores only (tests, a single
 * instance), or every partition of the application through the instances holding them.
 */
public interface ResultPartitions {
    /** The partitions that hold the keys of the scope, or all of them when {@code keys} is empty. */
    Set<Integer> partitionsFor(ResultView.Scope scope, Optional<Set<String>> keys);

    /**
     * The rows of a partition (of the given keys only, if present; windows starting in [fromMs, toMs]).
     *
     * @throws io.bridgewatch.streams.query.QueryException when no instance can answer for the partition
     */
    PartitionRows read(RowSource source, int partition, Optional<Set<String>> keys, long fromMs, long toMs);
}
