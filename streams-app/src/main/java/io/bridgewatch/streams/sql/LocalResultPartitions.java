package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.LocalAnswers;
import io.bridgewatch.streams.query.LocalViews;
import io.bridgewatch.streams.query.PartitionRows;
import io.bridgewatch.streams.query.ResultView;
import io.bridgewatch.streams.query.RowSource;
import java.util.Optional;
import java.util.Set;

/** The partitions this instance processes, read from its own stores (the stores of a test driver, too). */
public final class LocalResultPartitions implements ResultPartitions {
    private final LocalViews views;
    private final LocalAnswers answers;

    public LocalResultPartitions(LocalViews views, LocalAnswers answers) {
        this.views = views;
        this.answers = answers;
    }

    @Override
    public Set<Integer> partitionsFor(ResultView.Scope scope, Optional<Set<String>> keys) {
        // Which local partition holds a key is not known without the router: read each (by key, so cheaply).
        return views.activePartitions(scope.routingStore());
    }

    @Override
    public PartitionRows read(RowSource source, int partition, Optional<Set<String>> keys, long fromMs, long toMs) {
        return answers.rows(source, partition, keys, fromMs, toMs);
    }
}
