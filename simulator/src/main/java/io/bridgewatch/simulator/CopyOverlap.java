package io.bridgewatch.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Copy time and copy union of a set of intervals (DESIGN 4.3's C = time / union), by a plain sweep: the truth tests
 * hold the pipeline's concurrency figures to, written apart from the pipeline's interval code.
 */
public final class CopyOverlap {
    private CopyOverlap() {
    }

    /** {sum of the lengths, length of the union} of the intervals {start, end}. */
    public static long[] timeAndUnion(List<long[]> intervals) {
        List<long[]> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparingLong(interval -> interval[0]));
        long time = 0;
        long union = 0;
        long coveredTo = Long.MIN_VALUE;
        for (long[] interval : sorted) {
            time += interval[1] - interval[0];
            long from = Math.max(interval[0], coveredTo);
            if (interval[1] > from) {
                union += interval[1] - from;
                coveredTo = interval[1];
            }
        }
        return new long[] {time, union};
    }
}
