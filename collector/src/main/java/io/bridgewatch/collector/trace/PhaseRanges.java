package io.bridgewatch.collector.trace;

import io.bridgewatch.schema.Phase;
import java.util.Map;
import java.util.TreeMap;

/**
 * The phase ranges of a trace (only ranges whose names map to a phase are kept, so this stays small: a handful per
 * step, against thousands of events), and the innermost one around an instant.
 */
final class PhaseRanges {
    /** How many earlier-starting ranges to look through for one that still covers the instant (nesting depth). */
    private static final int MAX_NESTING = 32;

    private record Range(long endNs, Phase phase) {
    }

    private final TreeMap<Long, Range> byStart = new TreeMap<>();

    void add(long startNs, long endNs, Phase phase) {
        Range existing = byStart.get(startNs);
        if (existing == null || existing.endNs() > endNs) { // the inner one of two ranges that start together
            byStart.put(startNs, new Range(endNs, phase));
        }
    }

    int size() {
        return byStart.size();
    }

    /** The phase of the latest-starting range that covers {@code instantNs}, or null. */
    Phase at(long instantNs) {
        Map.Entry<Long, Range> entry = byStart.floorEntry(instantNs);
        for (int i = 0; entry != null && i < MAX_NESTING; i++) {
            if (entry.getValue().endNs() >= instantNs) {
                return entry.getValue().phase();
            }
            entry = byStart.lowerEntry(entry.getKey());
        }
        return null;
    }
}
