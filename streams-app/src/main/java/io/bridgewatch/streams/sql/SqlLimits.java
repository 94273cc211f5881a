package io.bridgewatch.streams.sql;

import java.time.Duration;

/**
 * What one query may cost: rows in its answer, records read to make it, and wall-clock time.
 *
 * @param maxRows rows an answer may have; a query that would return more is refused (add LIMIT or narrow it)
 * @param maxScannedRecords records a query may read from stores and topics together
 * @param timeout how long a pull query may run
 */
public record SqlLimits(int maxRows, long maxScannedRecords, Duration timeout) {
    public static final int DEFAULT_MAX_ROWS = 10_000;
    public static final long DEFAULT_MAX_SCANNED_RECORDS = 5_000_000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final SqlLimits DEFAULTS = new SqlLimits(DEFAULT_MAX_ROWS, DEFAULT_MAX_SCANNED_RECORDS,
            DEFAULT_TIMEOUT);

    public SqlLimits {
        if (maxRows <= 0 || maxScannedRecords <= 0 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("query limits must be positive: " + maxRows + " rows, "
                    + maxScannedRecords + " scanned records, " + timeout);
        }
    }
}
