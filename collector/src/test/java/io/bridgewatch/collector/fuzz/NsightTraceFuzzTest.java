package io.bridgewatch.collector.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.trace.NsightTraceReader;
import io.bridgewatch.schema.EventSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An Nsight Systems SQLite export as {@code analyze} and {@code import} read it: whatever the file holds (a damaged
 * database, tables of another shape, values of another type), a summary or {@link TraceFormatException}.
 */
class NsightTraceFuzzTest {
    private static final Path FILE = FuzzFiles.temporary(".sqlite");

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void read(byte[] export) throws IOException {
        Files.write(FILE, export);
        try {
            new NsightTraceReader("fuzz").read(FILE, EventSink.discarding(), TraceProgress.NONE);
        } catch (TraceFormatException refused) {
            // a clear error naming the file
        }
    }
}
