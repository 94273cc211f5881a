package io.bridgewatch.simulator;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A change of a node's bridge at a point of its run, as after a driver or firmware update: from {@code after} (time
 * since the node started) on, every crossing's fixed toll is multiplied by {@code factor}.
 */
public record TollChange(@JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long after, Double factor) {
    public TollChange {
        if (after == null || after < 0) {
            throw new IllegalArgumentException("toll_change needs after >= 0 (e.g. 60s)");
        }
        if (factor == null || factor <= 0) {
            throw new IllegalArgumentException("toll_change needs factor > 0 (e.g. 2.0)");
        }
    }
}
