package io.bridgewatch.collector.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.trace.KinetoTraceReader;
import io.bridgewatch.schema.EventSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A profiler trace as {@code analyze} and {@code import} read it: whatever the file holds, the reader returns a
 * summary or refuses with {@link TraceFormatException}. Anything else is a finding.
 */
class KinetoTraceFuzzTest {
    private static final Path FILE = FuzzFiles.temporary(".json");

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void read(byte[] trace) throws IOException {
        Files.write(FILE, trace);
        try {
            new KinetoTraceReader("fuzz").read(FILE, EventSink.discarding());
        } catch (TraceFormatException refused) {
            // a clear error naming the file and the place
        }
    }
}
