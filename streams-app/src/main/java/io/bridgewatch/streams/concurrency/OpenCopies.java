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
 */
final class OpenCopies {
    private static final int LONGS = 4;
    private long[] data;
    private int size;

    private OpenCopies(long[] data, int size) {
        this.data = data;
        this.size = size;
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
        boolean overlapped = false;
        for (int i = 0; i < size; i++) {
            int at = i * LONGS;
            if (data[at + 2] == stream) {
                continue;
            }
            if (data[at] <= start && start < data[at + 1]) {
                overlapped = true;
            }
            if (start <= data[at] && data[at] < end) {
                data[at + 3] = 1;
            }
        }
        if ((size + 1) * LONGS > data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        int at = size * LONGS;
        data[at] = start;
        data[at + 1] = end;
        data[at + 2] = stream;
        data[at + 3] = overlapped ? 1 : 0;
        size++;
    }

    List<Interval> intervals() {
        List<Interval> intervals = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            intervals.add(new Interval(data[i * LONGS], data[i * LONGS + 1]));
        }
        return intervals;
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
            System.arraycopy(data, at, data, kept * LONGS, LONGS);
            kept++;
        }
        size = kept;
        return overlapped;
    }
}
