package io.bridgewatch.simulator;

import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Holds a node's events until simulated time reaches them, then releases them in event-time order, as a live
 * agent would see them. The engine computes some events ahead (a blocking phase yields its whole timeline at once).
 */
final class TimedEventBuffer {
    private record Timed(long timeNs, long sequence, SpecificRecord event) {
    }

    private final PriorityQueue<Timed> pending = new PriorityQueue<>((a, b) -> a.timeNs != b.timeNs
            ? Long.compare(a.timeNs, b.timeNs)
            : Long.compare(a.sequence, b.sequence));
    private long sequence;

    void add(long timeNs, SpecificRecord event) {
        pending.add(new Timed(timeNs, sequence++, event));
    }

    /** Hands over, in time order, every event at or before {@code untilNs}. */
    void releaseUntil(long untilNs, Consumer<SpecificRecord> consumer) {
        while (!pending.isEmpty() && pending.peek().timeNs <= untilNs) {
            consumer.accept(pending.poll().event);
        }
    }

    int size() {
        return pending.size();
    }
}
