package io.bridgewatch.launcher.bench;

import com.carrotsearch.hppc.LongArrayList;
import java.util.Arrays;

/**
 * When (wall clock) the loader first handed over an event of each event-time millisecond, so that a result for a
 * window can be timed from the hand-over of the event that closed the window. The loader hands a slice of fleet time
 * over node by node, so only a millisecond later than any noted before can be a first: a later node's event of a
 * noted millisecond costs one comparison, and the notes stay sorted (two growing lists, searched by halves).
 */
final class EventTimeline {
    private final LongArrayList eventMs = new LongArrayList();
    private final LongArrayList wallNanos = new LongArrayList();
    /** The latest millisecond noted; written and read by the loader's thread only. */
    private long latestMs = Long.MIN_VALUE;

    /** The loader's thread: an event of {@code eventTimeMs} is handed over now. */
    void handedOver(long eventTimeMs) {
        if (eventTimeMs > latestMs) {
            note(eventTimeMs, System.nanoTime());
            latestMs = eventTimeMs;
        }
    }

    private synchronized void note(long ms, long nanos) {
        eventMs.add(ms);
        wallNanos.add(nanos);
    }

    /** Wall time of the first hand-over of an event at or after {@code eventTimeMs}, or null if none was yet. */
    synchronized Long firstSendAtOrAfter(long eventTimeMs) {
        int at = Arrays.binarySearch(eventMs.buffer, 0, eventMs.size(), eventTimeMs);
        int ceiling = at >= 0 ? at : -at - 1;
        return ceiling < eventMs.size() ? wallNanos.get(ceiling) : null;
    }
}
