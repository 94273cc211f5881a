package io.bridgewatch.collector.trace;

import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceInput;
import io.bridgewatch.collector.input.TraceReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.bridgewatch.collector.agent.AgentRecordReader;
import io.bridgewatch.collector.agent.AgentTraceReader;
import java.util.Arrays;

/** The trace formats Bridgewatch reads, told apart by the file's first bytes rather than its name. */
public enum TraceFormat {
    /** PyTorch profiler / Kineto Chrome-trace JSON, plain or gzipped. */
    KINETO,
    /** Nsight Systems SQLite export. */
    NSIGHT_SQLITE,
    /** Records of the Bridgewatch native agent, plain or gzipped. */
    AGENT_RECORDS;

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
        if (gzipped(head, n)) {
            head = decompressedHead(file, head.length);
            n = head.length;
        }
        if (n >= AgentRecordReader.MAGIC.length && Arrays.equals(head, 0, AgentRecordReader.MAGIC.length,
                AgentRecordReader.MAGIC, 0, AgentRecordReader.MAGIC.length)) {
            return AGENT_RECORDS;
        }
        if (n >= 1 && new String(head, 0, n, StandardCharsets.UTF_8).strip().startsWith("{")) {
            return KINETO;
        }
        throw new TraceFormatException(file + ": not a trace: neither Kineto JSON, an agent record file (plain or"
                + " gzipped) nor an Nsight Systems SQLite export");
    }

    private static boolean gzipped(byte[] head, int n) {
        return n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    private static byte[] decompressedHead(Path file, int length) {
        try (TraceInput input = TraceInput.open(file)) {
            return input.stream().readNBytes(length);
        } catch (IOException e) {
            throw new TraceFormatException(file + ": a gzip file that cannot be read (" + e.getMessage() + ")", e);
        }
    }

    public TraceReader reader(String nodeId) {
        return switch (this) {
            case KINETO -> new KinetoTraceReader(nodeId);
            case NSIGHT_SQLITE -> new NsightTraceReader(nodeId);
            case AGENT_RECORDS -> new AgentTraceReader(nodeId);
        };
    }
}
