package io.bridgewatch.streams.query;

import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The closed result windows of one node or cohort in a time range, per view, oldest first, and how fresh they are.
 *
 * @param rows per view label ({@link ResultView#label()}), the rows whose window starts in [from, to]
 */
public record WindowsAnswer(ResultView.Scope scope, String key, long fromMs, long toMs,
        Map<String, List<SpecificRecord>> rows, Freshness freshness) {

    /** Which role answered. */
    public enum Role {
        ACTIVE, STANDBY
    }

    /**
     * @param instance the {@code application.server} of the instance that read its stores
     * @param offsetLag changelog records that instance's copy had still to apply (0 for an up-to-date active)
     */
    public record Freshness(int partition, String instance, Role role, long offsetLag) {
    }
}
