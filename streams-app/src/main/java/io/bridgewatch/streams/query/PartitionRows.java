package io.bridgewatch.streams.query;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The rows of one partition of a source, as one instance holds them, and how fresh they are.
 *
 * @param fallbackReason why a standby answered instead of the active instance, or null
 */
public record PartitionRows(RowSource source, List<SpecificRecord> rows, WindowsAnswer.Freshness freshness,
        String fallbackReason) {

    public PartitionRows withFallbackReason(String reason) {
        return new PartitionRows(source, rows, freshness, reason);
    }
}
