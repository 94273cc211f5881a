package io.bridgewatch.collector.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The trace formats Bridgewatch reads, told apart by the file's first bytes rather than its name. */
public enum TraceFormat {
    /** PyTorch profiler / Kineto Chrome-trace JSON, plain or gzipped. */
    KINETO,
    /** Nsight Systems SQLite export. */
    NSIGHT_SQLITE;

    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    public static TraceFormat of(Path file) {
        byte[] head = new byte[SQLITE_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new TraceFormatException(file + ": cannot read the file (" + e.getMessage() + ")", e);
        }
        if (n == SQLITE_MAGIC.length && Arrays.equals(head, SQLITE_MAGIC)) {
            return NSIGHT_SQLITE;
        }
        boolean gzip = n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        boolean json = n >= 1 && new String(head, 0, n, StandardCharsets.UTF_8).strip().startsWith("{");
        if (gzip || json) {
            return KINETO;
        }
        throw new TraceFormatException(file + ": not a trace: neither Kineto JSON (plain or gzipped) nor an Nsight"
                + " Systems SQLite export");
    }

    public TraceReader reader(String nodeId) {
        return this == KINETO ? new KinetoTraceReader(nodeId) : new NsightTraceReader(nodeId);
    }
}
