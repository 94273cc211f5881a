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
    /**
     * The latest answer from the innermost range, its start and the next range's start: instants come mostly in
     * order, and while one lies in the same range with no range starting between, the answer is the same (forgotten
     * on every add).
     */
    private Range latest;
    private long latestStart;
    private long nextStart;

    void add(long startNs, long endNs, Phase phase) {
        latest = null;
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
        if (latest != null && instantNs >= latestStart && instantNs < nextStart && latest.endNs() >= instantNs) {
            return latest.phase();
        }
        Map.Entry<Long, Range> entry = byStart.floorEntry(instantNs);
        if (entry != null && entry.getValue().endNs() >= instantNs) {
            Long next = byStart.higherKey(entry.getKey());
            latest = entry.getValue();
            latestStart = entry.getKey();
            nextStart = next == null ? Long.MAX_VALUE : next;
            return latest.phase();
        }
        for (int i = 0; entry != null && i < MAX_NESTING; i++) {
            if (entry.getValue().endNs() >= instantNs) {
                return entry.getValue().phase();
            }
            entry = byStart.lowerEntry(entry.getKey());
        }
        return null;
    }
}
