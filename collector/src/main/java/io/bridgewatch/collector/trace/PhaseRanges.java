package io.bridgewatch.collector.trace;

import io.bridgewatch.schema.Phase;
import java.util.Arrays;

/**
 * The phase ranges of a trace (only ranges whose names map to a phase are kept), and the innermost one around an
 * instant. A trace annotates every step, so a multi-gigabyte one has millions: they are kept in columns sorted by
 * start (20 bytes a range, where a tree map took 80 and a third of the heap). Ranges come mostly in start order
 * and are appended; one that comes earlier waits with the others that do until the next question, when they are
 * sorted and merged in at once (Kineto writes all annotations before the activities that ask).
 */
final class PhaseRanges {
    /** How many earlier-starting ranges to look through for one that still covers the instant (nesting depth). */
    private static final int MAX_NESTING = 32;
    private static final int INITIAL_RANGES = 64;

    /** The kept ranges by start, one per start (the inner one of those that start together). */
    private long[] starts = new long[INITIAL_RANGES];
    private long[] ends = new long[INITIAL_RANGES];
    private Phase[] phases = new Phase[INITIAL_RANGES];
    private int size;
    /** Ranges added out of start order, not yet merged in. */
    private long[] pendingStarts = new long[0];
    private long[] pendingEnds = new long[0];
    private Phase[] pendingPhases = new Phase[0];
    private int pending;
    /**
     * The range of the latest answer, or -1: instants come mostly in order, and while one lies in the same range
     * with no range starting between, the answer is the same (forgotten on every add).
     */
    private int latest = -1;

    void add(long startNs, long endNs, Phase phase) {
        latest = -1;
        if (size > 0 && startNs == starts[size - 1]) {
            if (ends[size - 1] > endNs) { // the inner one of two ranges that start together
                ends[size - 1] = endNs;
                phases[size - 1] = phase;
            }
        } else if (size == 0 || startNs > starts[size - 1]) {
            append(startNs, endNs, phase);
        } else {
            addPending(startNs, endNs, phase);
        }
    }

    int size() {
        mergePending();
        return size;
    }

    /** The phase of the latest-starting range that covers {@code instantNs}, or null. */
    Phase at(long instantNs) {
        mergePending();
        if (latest >= 0 && instantNs >= starts[latest] && (latest + 1 == size || instantNs < starts[latest + 1])
                && ends[latest] >= instantNs) {
            return phases[latest];
        }
        int floor = floor(instantNs);
        if (floor >= 0 && ends[floor] >= instantNs) {
            latest = floor;
            return phases[floor];
        }
        for (int i = floor - 1; i >= 0 && i >= floor - MAX_NESTING; i--) {
            if (ends[i] >= instantNs) {
                return phases[i];
            }
        }
        return null;
    }

    /** The last range starting at or before the instant, or -1. */
    private int floor(long instantNs) {
        int found = Arrays.binarySearch(starts, 0, size, instantNs);
        return found >= 0 ? found : -found - 2;
    }

    private void append(long startNs, long endNs, Phase phase) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
            phases = Arrays.copyOf(phases, size * 2);
        }
        starts[size] = startNs;
        ends[size] = endNs;
        phases[size] = phase;
        size++;
    }

    private void addPending(long startNs, long endNs, Phase phase) {
        if (pending == pendingStarts.length) {
            int grown = Math.max(INITIAL_RANGES, pending * 2);
            pendingStarts = Arrays.copyOf(pendingStarts, grown);
            pendingEnds = Arrays.copyOf(pendingEnds, grown);
            pendingPhases = Arrays.copyOf(pendingPhases, grown);
        }
        pendingStarts[pending] = startNs;
        pendingEnds[pending] = endNs;
        pendingPhases[pending] = phase;
        pending++;
    }

    /** Merges the ranges that came out of order into the sorted columns, keeping the inner one of each start. */
    private void mergePending() {
        if (pending == 0) {
            return;
        }
        Integer[] order = new Integer[pending];
        Arrays.setAll(order, i -> i);
        // By start, and of one start the inner (earlier-ending) first: the first of each start is the one kept.
        Arrays.sort(order, (a, b) -> pendingStarts[a] != pendingStarts[b]
                ? Long.compare(pendingStarts[a], pendingStarts[b]) : Long.compare(pendingEnds[a], pendingEnds[b]));
        long[] keptStarts = starts;
        long[] keptEnds = ends;
        Phase[] keptPhases = phases;
        int kept = size;
        int capacity = Math.max(INITIAL_RANGES, Integer.highestOneBit(kept + pending) * 2);
        starts = new long[capacity];
        ends = new long[capacity];
        phases = new Phase[capacity];
        size = 0;
        int k = 0;
        int p = 0;
        while (k < kept || p < pending) {
            boolean takeKept = p == pending || (k < kept && keptStarts[k] <= pendingStarts[order[p]]);
            if (takeKept) {
                mergeOne(keptStarts[k], keptEnds[k], keptPhases[k]);
                k++;
            } else {
                int i = order[p++];
                mergeOne(pendingStarts[i], pendingEnds[i], pendingPhases[i]);
            }
        }
        pending = 0;
        latest = -1;
    }

    /** Appends in start order; of a start already last, keeps the inner range. */
    private void mergeOne(long startNs, long endNs, Phase phase) {
        if (size > 0 && starts[size - 1] == startNs) {
            if (ends[size - 1] > endNs) {
                ends[size - 1] = endNs;
                phases[size - 1] = phase;
            }
            return;
        }
        append(startNs, endNs, phase);
    }
}
