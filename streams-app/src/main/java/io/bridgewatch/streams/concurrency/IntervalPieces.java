package io.bridgewatch.streams.concurrency;

import java.util.ArrayList;
import java.util.List;

/**
 * An event's interval pieces, one per node window it spans (nearly always one), in objects reused from event to
 * event: valid until the next event's pieces are made.
 */
public final class IntervalPieces {
    private final List<IntervalSample> pieces = new ArrayList<>();
    private int size;

    void clear() {
        size = 0;
    }

    /** The next piece, to be set. */
    IntervalSample add() {
        if (size == pieces.size()) {
            pieces.add(new IntervalSample());
        }
        return pieces.get(size++);
    }

    public int size() {
        return size;
    }

    public IntervalSample get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index + " of " + size + " pieces");
        }
        return pieces.get(index);
    }
}
