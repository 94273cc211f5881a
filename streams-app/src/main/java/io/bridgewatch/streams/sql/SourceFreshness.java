package io.bridgewatch.streams.sql;

/**
 * How fresh the rows read from one partition of one table were.
 *
 * @param servedBy the instance whose store answered, or {@code kafka} for a topic scan
 * @param role ACTIVE or STANDBY for stores; SNAPSHOT for a topic scan (read up to the end offsets at its start)
 * @param offsetLag changelog records the store had still to apply; for a scan, records not read (0 when complete)
 * @param note why a standby answered, or the end offset a scan read to
 */
public record SourceFreshness(String table, int partition, String servedBy, String role, long offsetLag,
        String note) {
}
