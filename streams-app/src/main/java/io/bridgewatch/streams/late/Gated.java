package io.bridgewatch.streams.late;

import io.bridgewatch.schema.DeadLetter;

/** A record with the verdict of the {@link LateRecordGate}: {@code deadLetter} is null when it is on time. */
public record Gated<V>(V value, DeadLetter deadLetter) {
    public boolean late() {
        return deadLetter != null;
    }
}
