package io.bridgewatch.collector.input;

/** Told how far a reader got; called every few thousand events from the reading thread, so keep it cheap. */
@FunctionalInterface
public interface TraceProgress {
    TraceProgress NONE = (bytesRead, events) -> {
    };

    /**
     * @param bytesRead bytes of the file consumed so far (compressed bytes for a gzipped trace)
     * @param events events emitted so far
     */
    void update(long bytesRead, long events);
}
