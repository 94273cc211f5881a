package io.bridgewatch.streams.concurrency;

import io.bridgewatch.streams.interval.Interval;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/** Disjoint intervals packed as little-endian (start, end) longs, for state that is read and written per record. */
final class PackedSpans {
    private PackedSpans() {
    }

    static List<Interval> decode(ByteBuffer packed) {
        LongBuffer longs = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        List<Interval> spans = new ArrayList<>(longs.remaining() / 2);
        while (longs.remaining() >= 2) {
            spans.add(new Interval(longs.get(), longs.get()));
        }
        return spans;
    }

    static ByteBuffer encode(List<Interval> spans) {
        ByteBuffer buffer = ByteBuffer.allocate(spans.size() * 2 * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        LongBuffer longs = buffer.asLongBuffer();
        spans.forEach(s -> longs.put(s.startNs()).put(s.endNs()));
        return buffer;
    }
}
