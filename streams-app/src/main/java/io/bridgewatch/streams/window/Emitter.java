package io.bridgewatch.streams.window;

/** Where a stage hands what it produces: a keyed value stamped with its event time (Kafka Streams' forward). */
@FunctionalInterface
public interface Emitter<R> {
    void emit(String key, R value, long timestampMs);
}
