package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.QueryException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of one query while its tables are scanned: its limits and deadline, the records read so far, and the
 * freshness of every partition read. Scans call {@link #checkpoint} as they go, so that a query over its limits
 * stops with a clear message rather than running on.
 */
final class QueryContext {
    private final ResultPartitions results;
    private final Optional<Map<String, Object>> kafka;
    private final SqlLimits limits;
    private final long deadlineNanos;
    private final AtomicLong scanned = new AtomicLong();
    private final ConcurrentLinkedQueue<SourceFreshness> freshness = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();

    QueryContext(ResultPartitions results, Optional<Map<String, Object>> kafka, SqlLimits limits) {
        this.results = results;
        this.kafka = kafka;
        this.limits = limits;
        this.deadlineNanos = System.nanoTime() + limits.timeout().toNanos();
    }

    ResultPartitions results() {
        return results;
    }

    /** The consumer settings topic scans use, or empty where no cluster is known (then topics cannot be read). */
    Optional<Map<String, Object>> kafka() {
        return kafka;
    }

    SqlLimits limits() {
        return limits;
    }

    long remainingMillis() {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    /**
     * Counts records read and checks the limits.
     *
     * @throws QueryException 413 over the scan limit, 408 past the deadline
     */
    void checkpoint(String table, long recordsRead) {
        long total = scanned.addAndGet(recordsRead);
        if (total > limits.maxScannedRecords()) {
            throw new QueryException(413, "the query read more than " + limits.maxScannedRecords() + " records"
                    + " (query.max.scanned.records) while scanning " + table + "; narrow it with a key or time"
                    + " predicate (node_id = ..., window_start >= ..., _ts >= ...)");
        }
        if (Thread.currentThread().isInterrupted() || System.nanoTime() > deadlineNanos) {
            throw timedOut(table);
        }
    }

    QueryException timedOut(String table) {
        return new QueryException(408, "the query ran past its " + limits.timeout().toMillis() + " ms timeout"
                + " (query.timeout.ms) while reading " + table + "; narrow it with a key or time predicate");
    }

    long scanned() {
        return scanned.get();
    }

    void read(SourceFreshness partition) {
        freshness.add(partition);
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    List<SourceFreshness> freshness() {
        return List.copyOf(freshness);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
