package io.bridgewatch.launcher.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * When (wall clock) the loader first sent an event of each event-time millisecond, so that a result for a window
 * can be timed from the send of the event that closed the window.
 */
final class EventTimeline {
    private final ConcurrentSkipListMap<Long, Long> firstSendNanosByEventMs = new ConcurrentSkipListMap<>();

    void sent(long eventTimeMs, long wallNanos) {
        firstSendNanosByEventMs.putIfAbsent(eventTimeMs, wallNanos);
    }

    /** Wall time of the first send of an event at or after {@code eventTimeMs}, or null if none was sent yet. */
    Long firstSendAtOrAfter(long eventTimeMs) {
        Map.Entry<Long, Long> entry = firstSendNanosByEventMs.ceilingEntry(eventTimeMs);
        return entry == null ? null : entry.getValue();
    }
}
