package io.bridgewatch.collector.agent;

import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Reads the native agent's record stream (format: {@code collector/native/include/bw_record.h}): a 32-byte header,
 * then records of {kind u16, length u16, CRC-32 u32, body}. Every record's checksum is verified before it is handed
 * on, so a truncated or corrupt stream stops with an {@link AgentStreamException} that says where and why, after
 * every valid record before it was delivered. Records of unknown kinds (a newer agent) are skipped.
 */
public final class AgentRecordReader {
    public static final byte[] MAGIC = "BWAGENT\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int HEADER_SIZE = 32;
    private static final int RECORD_HEADER_SIZE = 8;
    private static final int EVENT_BODY_SIZE = 96;
    private static final int MAX_RECORD_SIZE = 256;

    private final InputStream in;
    private long offset;
    private long records;
    private int pid;
    private long startNs;

    public AgentRecordReader(InputStream in) {
        this.in = in;
    }

    /** Reads the header, then hands every valid record to {@code consumer}; returns how many records were read. */
    public long readAll(Consumer<AgentRecord> consumer) throws IOException {
        readHeader();
        byte[] header = new byte[RECORD_HEADER_SIZE];
        byte[] body = new byte[MAX_RECORD_SIZE];
        while (true) {
            long recordStart = offset;
            int n = in.readNBytes(header, 0, RECORD_HEADER_SIZE);
            if (n == 0) {
                return records; // a clean end, between records
            }
            if (n < RECORD_HEADER_SIZE) {
                throw new AgentStreamException(recordStart, "truncated stream: record " + (records + 1) + " at byte "
                        + recordStart + " has " + n + " of its 8 header bytes");
            }
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int kind = Short.toUnsignedInt(h.getShort());
            int length = Short.toUnsignedInt(h.getShort());
            long crc = Integer.toUnsignedLong(h.getInt());
            if (length < RECORD_HEADER_SIZE || length > MAX_RECORD_SIZE) {
                throw new AgentStreamException(recordStart, "corrupt stream: record " + (records + 1) + " at byte "
                        + recordStart + " claims " + length + " bytes (8 to 256 are possible)");
            }
            int bodyLength = length - RECORD_HEADER_SIZE;
            int got = in.readNBytes(body, 0, bodyLength);
            if (got < bodyLength) {
                throw new AgentStreamException(recordStart, "truncated stream: record " + (records + 1) + " at byte "
                        + recordStart + " has " + got + " of its " + bodyLength + " body bytes");
            }
            CRC32 check = new CRC32();
            check.update(body, 0, bodyLength);
            if (check.getValue() != crc) {
                throw new AgentStreamException(recordStart, "corrupt stream: record " + (records + 1) + " at byte "
                        + recordStart + " fails its checksum");
            }
            offset += length;
            records++;
            consumer.accept(decode(recordStart, kind, ByteBuffer.wrap(body, 0, bodyLength)
                    .order(ByteOrder.LITTLE_ENDIAN)));
        }
    }

    /** The process the stream comes from (from the header). */
    public int pid() {
        return pid;
    }

    /** When the agent started recording (CLOCK_REALTIME ns, from the header). */
    public long startNs() {
        return startNs;
    }

    private void readHeader() throws IOException {
        byte[] header = in.readNBytes(HEADER_SIZE);
        if (header.length < MAGIC.length || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0,
                MAGIC.length)) {
            throw new AgentStreamException(0, "not an agent record stream (no BWAGENT header)");
        }
        if (header.length < HEADER_SIZE) {
            throw new AgentStreamException(0, "truncated stream: the header has " + header.length + " of 32 bytes");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int version = Short.toUnsignedInt(h.getShort(8));
        if (version != VERSION) {
            throw new AgentStreamException(8, "unknown stream version " + version + " (this collector reads version "
                    + VERSION + "); update the collector");
        }
        pid = h.getInt(12);
        startNs = h.getLong(16);
        offset = HEADER_SIZE;
    }

    private AgentRecord decode(long at, int kind, ByteBuffer b) {
        return switch (kind) {
            case 1, 2 -> event(at, kind == 2, b);
            case 3 -> info(b);
            case 4 -> new AgentRecord.Drops(b.getLong(0), b.getLong(8));
            case 5 -> new AgentRecord.ExternalCorrelation(Integer.toUnsignedLong(b.getInt(0)), b.getLong(8));
            default -> new AgentRecord.Unknown(kind, b.remaining() + RECORD_HEADER_SIZE);
        };
    }

    private AgentRecord event(long at, boolean gpu, ByteBuffer b) {
        if (b.remaining() < EVENT_BODY_SIZE) {
            throw new AgentStreamException(at, "corrupt stream: event record at byte " + at + " has a "
                    + b.remaining() + "-byte body (96 expected)");
        }
        int apiId = Short.toUnsignedInt(b.getShort(0));
        AgentApi api = AgentApi.of(apiId);
        if (api == null) {
            return new AgentRecord.Unknown(gpu ? 2 : 1, b.remaining() + RECORD_HEADER_SIZE);
        }
        String name = "";
        if (b.remaining() >= EVENT_BODY_SIZE + 2) {
            int nameLength = Short.toUnsignedInt(b.getShort(EVENT_BODY_SIZE));
            byte[] bytes = new byte[Math.min(nameLength, b.remaining() - EVENT_BODY_SIZE - 2)];
            b.get(EVENT_BODY_SIZE + 2, bytes);
            name = new String(bytes, StandardCharsets.UTF_8);
        }
        int flags = b.getInt(20);
        long tid = Integer.toUnsignedLong(b.getInt(12));
        long stream = gpu ? b.getLong(32) : DefaultStreams.streamOf(b.getLong(32), (flags & PER_THREAD_STREAM) != 0, tid);
        return new AgentRecord.Event(gpu, api, direction(b.get(2)), memory(b.get(3)), b.getInt(4), b.getInt(8),
                tid, b.getInt(16), (flags & ASYNC) != 0, b.getLong(24), stream,
                b.getLong(40), b.getLong(48), b.getLong(56), b.getLong(64),
                List.of(b.getInt(72), b.getInt(76), b.getInt(80)), List.of(b.getInt(84), b.getInt(88), b.getInt(92)),
                name);
    }

    /** Event flags (BW_FLAG_* in bw_record.h). */
    private static final int ASYNC = 1;
    private static final int PER_THREAD_STREAM = 4;

    private static AgentRecord info(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new AgentRecord.Info(facts);
    }

    private static Direction direction(byte value) {
        return switch (value) {
            case 1 -> Direction.H2D;
            case 2 -> Direction.D2H;
            case 3 -> Direction.D2D;
            case 4 -> Direction.P2P;
            default -> Direction.UNKNOWN;
        };
    }

    private static HostMemoryKind memory(byte value) {
        return switch (value) {
            case 1 -> HostMemoryKind.PAGEABLE;
            case 2 -> HostMemoryKind.PINNED;
            case 3 -> HostMemoryKind.MANAGED;
            case 4 -> HostMemoryKind.DEVICE;
            default -> HostMemoryKind.UNKNOWN;
        };
    }

}
