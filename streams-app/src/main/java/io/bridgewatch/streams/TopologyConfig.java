package io.bridgewatch.streams;

import java.time.Duration;

/**
 * What shapes the topology: window sizes and how long a window waits for late events.
 *
 * @param nodeWindow per-node window size (DESIGN 4: 10 s by default)
 * @param grace how long after a window's end records are still accepted (event time)
 */
public record TopologyConfig(Duration nodeWindow, Duration grace) {
    public static final Duration DEFAULT_NODE_WINDOW = Duration.ofSeconds(10);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    public static final TopologyConfig DEFAULTS = new TopologyConfig(DEFAULT_NODE_WINDOW, DEFAULT_GRACE);

    public TopologyConfig {
        if (nodeWindow.isNegative() || nodeWindow.isZero()) {
            throw new IllegalArgumentException("node window must be positive, got " + nodeWindow);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace);
        }
    }
}
