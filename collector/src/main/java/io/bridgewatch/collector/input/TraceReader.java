package io.bridgewatch.collector.input;

import io.bridgewatch.schema.EventSink;
import java.nio.file.Path;

/** Turns a profiler trace into Crossing and KernelExec events for one node, streaming, in bounded memory. */
public interface TraceReader {
    /**
     * Reads the whole trace into {@code sink}. Throws {@link TraceFormatException} (with the position and the reason)
     * on input it cannot read; events emitted before the error have been handed to the sink.
     */
    TraceSummary read(Path file, EventSink sink, TraceProgress progress);
}
