package io.bridgewatch.collector;

/**
 * A collector's counters at one moment.
 *
 * @param queueDepth events in memory waiting for the sender
 * @param unacknowledged events handed on (to the spool or the producer) and not yet acknowledged by Kafka
 */
public record CollectorStats(long accepted, long sent, long dropped, long failed, int queueDepth,
        long unacknowledged) {
}
