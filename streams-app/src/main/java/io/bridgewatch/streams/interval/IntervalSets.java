package io.bridgewatch.streams.interval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Interval arithmetic for concurrency and cost (DESIGN 4): the union of a set of intervals, its measure, and the
 * measure of the overlap of two sets. A union is a list of disjoint, non-adjacent intervals sorted by start.
 */
public final class IntervalSets {
    private IntervalSets() {
    }

    /** The union of the intervals, as disjoint sorted intervals (empty intervals vanish). */
    public static List<Interval> union(Collection<Interval> intervals) {
        List<Interval> sorted = intervals.stream().filter(i -> !i.isEmpty())
                .sorted(Comparator.comparingLong(Interval::startNs)).toList();
        List<Interval> merged = new ArrayList<>();
        long start = 0;
        long end = 0;
        boolean open = false;
        for (Interval interval : sorted) {
            if (open && interval.startNs() <= end) {
                end = Math.max(end, interval.endNs());
                continue;
            }
            if (open) {
                merged.add(new Interval(start, end));
            }
            start = interval.startNs();
            end = interval.endNs();
            open = true;
        }
        if (open) {
            merged.add(new Interval(start, end));
        }
        return merged;
    }

    /**
     * Adds an interval to a union in place (kept disjoint, non-adjacent and sorted, as {@link #union} makes it): it
     * merges with the intervals it overlaps or touches. For a union that grows mostly at its end, the work is near
     * the end: no sort of the whole.
     */
    public static void addToUnion(List<Interval> union, Interval interval) {
        if (interval.isEmpty()) {
            return;
        }
        // The first interval that starts after the new one.
        int low = 0;
        int high = union.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (union.get(mid).startNs() <= interval.startNs()) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        int first = low;
        long start = interval.startNs();
        long end = interval.endNs();
        if (first > 0 && union.get(first - 1).endNs() >= start) {
            first--;
            start = union.get(first).startNs();
            end = Math.max(end, union.get(first).endNs());
        }
        int last = low; // one past the merged intervals
        while (last < union.size() && union.get(last).startNs() <= end) {
            end = Math.max(end, union.get(last).endNs());
            last++;
        }
        Interval merged = new Interval(start, end);
        if (first == last) {
            union.add(first, merged);
            return;
        }
        union.set(first, merged);
        union.subList(first + 1, last).clear();
    }

    /** {@code meas(S)}: total length of the union of the intervals. */
    public static long unionMeasure(Collection<Interval> intervals) {
        return union(intervals).stream().mapToLong(Interval::lengthNs).sum();
    }

    /** Sum of the lengths, overlaps counted as often as they occur. */
    public static long sumOfLengths(Collection<Interval> intervals) {
        return intervals.stream().mapToLong(Interval::lengthNs).sum();
    }

    /** {@code meas(A ∩ B)} for two sets of intervals (each may overlap itself). */
    public static long intersectionMeasure(Collection<Interval> a, Collection<Interval> b) {
        return intersectionMeasureOfUnions(union(a), union(b));
    }

    /** {@code meas(A ∩ B)} for two unions (each disjoint and sorted by start, as {@link #union} gives). */
    public static long intersectionMeasureOfUnions(List<Interval> ua, List<Interval> ub) {
        long total = 0;
        int i = 0;
        int j = 0;
        while (i < ua.size() && j < ub.size()) {
            Interval x = ua.get(i);
            Interval y = ub.get(j);
            total += Math.max(0, Math.min(x.endNs(), y.endNs()) - Math.max(x.startNs(), y.startNs()));
            if (x.endNs() <= y.endNs()) {
                i++;
            } else {
                j++;
            }
        }
        return total;
    }

    /** Every interval clipped to {@code [fromNs, toNs)}, empty ones dropped, in their order. */
    public static List<Interval> clip(Collection<Interval> intervals, long fromNs, long toNs) {
        List<Interval> clipped = new ArrayList<>(intervals.size());
        for (Interval interval : intervals) {
            Interval piece = interval.clip(fromNs, toNs);
            if (!piece.isEmpty()) {
                clipped.add(piece);
            }
        }
        return clipped;
    }

    /** The total length of disjoint intervals. */
    public static long measureOfUnion(List<Interval> union) {
        long total = 0;
        for (Interval interval : union) {
            total += interval.lengthNs();
        }
        return total;
    }

    /**
     * The concurrency index {@code sum meas(I_i) / meas(∪ I_i)} (DESIGN 4.3): 1 when the intervals never overlap,
     * k when k of them always run together; NaN when they have no length.
     */
    public static double concurrencyIndex(Collection<Interval> intervals) {
        long union = unionMeasure(intervals);
        return union == 0 ? Double.NaN : (double) sumOfLengths(intervals) / union;
    }
}
