package io.bridgewatch.streams.sql;

/**
 * How much SQL one instance serves: the limits of each pull query, and of push queries.
 *
 * @param maxPushQueries push queries one instance serves at once
 * @param pushQueueRows rows a push query may have waiting for a slow client before it is ended
 */
public record SqlSettings(SqlLimits pull, int maxPushQueries, int pushQueueRows) {
    public static final int DEFAULT_MAX_PUSH_QUERIES = 1_000;
    public static final int DEFAULT_PUSH_QUEUE_ROWS = 10_000;
    public static final SqlSettings DEFAULTS = new SqlSettings(SqlLimits.DEFAULTS, DEFAULT_MAX_PUSH_QUERIES,
            DEFAULT_PUSH_QUEUE_ROWS);

    public SqlSettings {
        if (maxPushQueries < 0 || pushQueueRows <= 0) {
            throw new IllegalArgumentException("push-query limits must be positive");
        }
    }
}
