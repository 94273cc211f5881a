package io.bridgewatch.streams.concurrency;

import io.bridgewatch.streams.interval.Interval;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The unsealed copy intervals of a concurrency group as parallel longs (start, end, stream, overlapped flag), and
 * packed the same way, little-endian, when the state is stored: a copy of longs, where a list of Avro records
 * would cost an object per field.
 *
 * <p>Kept in order of start, so that a new copy meets only the copies that can overlap it: those that start within
 * the longest open copy's length before it, and those that start while it is in flight. A scan of every open copy
 * per copy cost a node with thousands of copies in flight (a reorder slack of seconds, or a high copy rate) time
 * quadratic in them.
 */
final class OpenCopies {
    private static final int LONGS = 4;
    private long[] data;
    private int size;
    /** At least the length of every open copy (exact after a removal, raised by additions). */
    private long maxLengthNs;

    private OpenCopies(long[] data, int size) {
        this.data = data;
        this.size = size;
        sortByStart();
        maxLengthNs = maxLength();
    }

    static OpenCopies empty() {
        return new OpenCopies(new long[LONGS * 8], 0);
    }

    static OpenCopies decode(ByteBuffer packed) {
        ByteBuffer buffer = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int count = buffer.remaining() / (Long.BYTES * LONGS);
        long[] data = new long[Math.max(LONGS * 8, (count + 8) * LONGS)];
        buffer.asLongBuffer().get(data, 0, count * LONGS);
        return new OpenCopies(data, count);
    }

    ByteBuffer encode() {
        ByteBuffer buffer = ByteBuffer.allocate(size * LONGS * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(data, 0, size * LONGS);
        return buffer;
    }

    int size() {
        return size;
    }

    /**
     * Adds a copy; marks it overlapped if it started while a copy on another stream was in flight, and marks the
     * copies on other streams that started while it was in flight.
     */
    void add(long start, long end, long stream) {
        int after = firstStarting(start, false);
        boolean overlapped = false;
        // Copies starting at or before it overlap its start only if they start within their length of it.
        long earliest = start < Long.MIN_VALUE + maxLengthNs ? Long.MIN_VALUE : start - maxLengthNs;
        for (int i = after - 1; i >= 0 && data[i * LONGS] > earliest && !overlapped; i--) {
            int at = i * LONGS;
            overlapped = data[at + 2] != stream && start < data[at + 1];
        }
        for (int i = firstStarting(start, true); i < size && data[i * LONGS] < end; i++) {
            int at = i * LONGS;
            if (data[at + 2] != stream) {
                data[at + 3] = 1;
            }
        }
        if ((size + 1) * LONGS > data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        int at = after * LONGS;
        System.arraycopy(data, at, data, at + LONGS, (size - after) * LONGS);
        data[at] = start;
        data[at + 1] = end;
        data[at + 2] = stream;
        data[at + 3] = overlapped ? 1 : 0;
        size++;
        maxLengthNs = Math.max(maxLengthNs, lengthNs(start, end));
    }

    /**
     * The index of the first copy that starts after {@code t} (or at it, with {@code orAt}): binary search, though
     * copies come mostly in order (the answer is usually the end).
     */
    private int firstStarting(long t, boolean orAt) {
        if (size == 0 || data[(size - 1) * LONGS] < t || data[(size - 1) * LONGS] == t && !orAt) {
            return size; // after the last: the usual case, without the search
        }
        int low = 0;
        int high = size - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            long start = data[mid * LONGS];
            if (start < t || start == t && !orAt) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Orders the copies by start (states stored before copies were kept in order come in arrival order). */
    private void sortByStart() {
        for (int i = 1; i < size; i++) {
            if (data[(i - 1) * LONGS] > data[i * LONGS]) {
                long[][] rows = new long[size][];
                for (int r = 0; r < size; r++) {
                    rows[r] = Arrays.copyOfRange(data, r * LONGS, r * LONGS + LONGS);
                }
                Arrays.sort(rows, (a, b) -> Long.compare(a[0], b[0]));
                for (int r = 0; r < size; r++) {
                    System.arraycopy(rows[r], 0, data, r * LONGS, LONGS);
                }
                return;
            }
        }
    }

    /** A copy's length, 0 when it ends before it starts, at most Long.MAX_VALUE (times are outside input). */
    private static long lengthNs(long start, long end) {
        if (end <= start) {
            return 0;
        }
        long length = end - start;
        return length < 0 ? Long.MAX_VALUE : length;
    }

    private long maxLength() {
        long max = 0;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, lengthNs(data[i * LONGS], data[i * LONGS + 1]));
        }
        return max;
    }

    List<Interval> intervals() {
        List<Interval> intervals = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            intervals.add(new Interval(data[i * LONGS], data[i * LONGS + 1]));
        }
        return intervals;
    }

    /**
     * The union of the copies clipped to {@code [fromNs, toNs)}, as disjoint intervals in order: clipping keeps the
     * copies' order of start, so one pass merges them (what {@link IntervalSets#union} of the clipped copies gives,
     * without sorting).
     */
    List<Interval> clippedUnion(long fromNs, long toNs) {
        List<Interval> union = new ArrayList<>();
        long spanStart = 0;
        long spanEnd = 0;
        boolean open = false;
        for (int i = 0; i < size && data[i * LONGS] < toNs; i++) {
            long start = Math.max(data[i * LONGS], fromNs);
            long end = Math.min(data[i * LONGS + 1], toNs);
            if (end <= start) {
                continue;
            }
            if (open && start <= spanEnd) {
                spanEnd = Math.max(spanEnd, end);
                continue;
            }
            if (open) {
                union.add(new Interval(spanStart, spanEnd));
            }
            spanStart = start;
            spanEnd = end;
            open = true;
        }
        if (open) {
            union.add(new Interval(spanStart, spanEnd));
        }
        return union;
    }

    /** Removes the copies that end at or before {@code t}; returns how many of them were marked overlapped. */
    long removeEndingBy(long t) {
        long overlapped = 0;
        int kept = 0;
        for (int i = 0; i < size; i++) {
            int at = i * LONGS;
            if (data[at + 1] <= t) {
                overlapped += data[at + 3];
                continue;
            }
            if (kept != i) {
                System.arraycopy(data, at, data, kept * LONGS, LONGS);
            }
            kept++;
        }
        size = kept;
        maxLengthNs = maxLength();
        return overlapped;
    }
}
