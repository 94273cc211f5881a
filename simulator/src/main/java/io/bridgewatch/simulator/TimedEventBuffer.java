package io.bridgewatch.simulator;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Holds a node's events until simulated time reaches them, then releases them in event-time order (ties in the order
 * added), as a live agent would see them. The engine computes some events ahead (a blocking phase yields its whole
 * timeline at once), but most come in time order: those wait in a queue, and only an event earlier than the latest
 * queued one goes to a heap (the heap for every event was a fifth of the benchmark load generator's time).
 */
final class TimedEventBuffer {
    private record Timed(long timeNs, long sequence, SpecificRecord event) {
        static final Comparator<Timed> ORDER = Comparator.comparingLong(Timed::timeNs)
                .thenComparingLong(Timed::sequence);

        boolean before(Timed other) {
            return ORDER.compare(this, other) < 0;
        }
    }

    /** Events added in time order, oldest first. */
    private final ArrayDeque<Timed> inOrder = new ArrayDeque<>();
    /** Events added earlier than the latest in {@link #inOrder}. */
    private final PriorityQueue<Timed> outOfOrder = new PriorityQueue<>(Timed.ORDER);
    private long sequence;

    void add(long timeNs, SpecificRecord event) {
        Timed timed = new Timed(timeNs, sequence++, event);
        Timed latest = inOrder.peekLast();
        if (latest == null || timeNs >= latest.timeNs) {
            inOrder.addLast(timed);
        } else {
            outOfOrder.add(timed);
        }
    }

    /** Hands over, in time order, every event at or before {@code untilNs}. */
    void releaseUntil(long untilNs, Consumer<SpecificRecord> consumer) {
        while (true) {
            Timed queued = inOrder.peekFirst();
            Timed early = outOfOrder.peek();
            Timed next = early == null || queued != null && queued.before(early) ? queued : early;
            if (next == null || next.timeNs > untilNs) {
                return;
            }
            consumer.accept((next == queued ? inOrder.pollFirst() : outOfOrder.poll()).event);
        }
    }

    int size() {
        return inOrder.size() + outOfOrder.size();
    }
}
