package io.bridgewatch.collector.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A bounded first-in first-out queue of records on disk: what the collector has taken from its sources and Kafka
 * has not yet acknowledged. Records are appended to segment files ({@code <first sequence>.seg}); the sequence of
 * the first unacknowledged record is kept in {@code cursor}. Both are written through the operating system at once,
 * so a killed collector loses nothing it appended; a restarted one resends from the cursor, in order.
 *
 * <p>When the spool is over its size, the oldest segment is deleted, acknowledged or not, and its unacknowledged
 * records are counted as dropped: a long outage loses the oldest telemetry, never the newest. A record torn by a
 * crash mid-write fails its checksum and ends the segment when read back.
 *
 * <p>Frame: {@code int length, int crc32c, long sequence, short topic length, topic, short key length, key, value}.
 */
public final class DiskSpool implements AutoCloseable {
    /** A spooled record. */
    public record Entry(long sequence, String topic, String key, byte[] value) {
    }

    private static final String SUFFIX = ".seg";
    private static final int HEADER = 8;

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final FileChannel cursorFile;
    private final java.nio.channels.FileLock lock;
    /** First sequence of each segment, oldest first. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final TreeSet<Long> acknowledgedAhead = new TreeSet<>();
    private FileChannel writer;
    private long writerBytes;
    private long nextSequence;
    private long cursor;
    private long bytes;
    private long dropped;
    /** Sequences dropped unacknowledged, [from, to) each, and those of them Kafka took after all (in flight). */
    private final List<long[]> droppedRanges = new ArrayList<>();
    private final java.util.Set<Long> rescued = new java.util.HashSet<>();
    private ReadPosition reader;

    /** Where sequential reads are: a segment, a byte offset in it, the sequence found there. */
    private record ReadPosition(long segment, long offset, long sequence) {
    }

    /**
     * Opens (or creates) the spool in {@code dir}, resuming after what an earlier collector left.
     *
     * @param maxBytes the most the segments may take on disk
     * @param segmentBytes the size at which a segment is closed and a new one begun
     */
    public DiskSpool(Path dir, long maxBytes, long segmentBytes) {
        if (maxBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException("a spool must hold at least two segments (" + maxBytes + " < 2 x "
                    + segmentBytes + " bytes)");
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        try {
            Files.createDirectories(dir);
            cursorFile = FileChannel.open(dir.resolve("cursor"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            // One collector per spool: two writing one folder would interleave their records.
            java.nio.channels.FileLock held;
            try {
                held = cursorFile.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                held = null;
            }
            lock = held;
            if (lock == null) {
                cursorFile.close();
                throw new IllegalStateException("the spool in " + dir + " is in use by another collector (one"
                        + " spool folder per node and process)");
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).forEach(f -> {
                    String name = f.getFileName().toString();
                    segments.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), f);
                });
            }
            cursor = readCursor();
            recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Scans the newest segment for the next sequence (a torn tail is cut off) and sizes the spool. */
    private void recover() throws IOException {
        nextSequence = segments.isEmpty() ? cursor : segments.firstKey();
        bytes = 0;
        for (Map.Entry<Long, Path> segment : segments.entrySet()) {
            bytes += Files.size(segment.getValue());
        }
        if (!segments.isEmpty()) {
            Map.Entry<Long, Path> last = segments.lastEntry();
            long[] end = scanToEnd(last.getKey(), last.getValue());
            nextSequence = end[1];
            try (FileChannel tail = FileChannel.open(last.getValue(), StandardOpenOption.WRITE)) {
                if (tail.size() > end[0]) {
                    bytes -= tail.size() - end[0];
                    tail.truncate(end[0]);
                }
            }
            if (cursor < segments.firstKey()) {
                cursor = segments.firstKey();
            }
        }
        cursor = Math.min(cursor, nextSequence);
        reader = null;
    }

    /** Appends a record; returns its sequence. Deletes the oldest segments when over the size. */
    public synchronized long append(String topic, String key, byte[] value) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        byte[] keyBytes = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
        int length = 8 + 2 + topicBytes.length + 2 + keyBytes.length + value.length;
        ByteBuffer frame = ByteBuffer.allocate(HEADER + length);
        frame.putInt(length).putInt(0).putLong(nextSequence)
                .putShort((short) topicBytes.length).put(topicBytes)
                .putShort((short) keyBytes.length).put(keyBytes).put(value);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), HEADER, length);
        frame.putInt(4, (int) crc.getValue());
        frame.flip();
        try {
            if (writer == null || writerBytes >= segmentBytes) {
                roll();
            }
            while (frame.hasRemaining()) {
                writer.write(frame);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the spool in " + dir + ": " + e.getMessage(), e);
        }
        writerBytes += HEADER + length;
        bytes += HEADER + length;
        long sequence = nextSequence++;
        while (bytes > maxBytes && segments.size() > 1) {
            dropOldest();
        }
        return sequence;
    }

    private void roll() throws IOException {
        if (writer != null) {
            writer.close();
        }
        Path file = dir.resolve(String.format("%020d%s", nextSequence, SUFFIX));
        writer = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        writerBytes = writer.size();
        segments.put(nextSequence, file);
    }

    private void dropOldest() {
        Map.Entry<Long, Path> oldest = segments.pollFirstEntry();
        long nextFirst = segments.firstKey();
        if (cursor < nextFirst) {
            dropped += nextFirst - cursor;
            droppedRanges.add(new long[] {cursor, nextFirst});
            cursor = nextFirst;
            acknowledgedAhead.headSet(nextFirst).clear();
            writeCursor();
        }
        delete(oldest.getValue());
        if (reader != null && reader.segment() < nextFirst) {
            reader = null;
        }
    }

    /**
     * Up to {@code max} records from the one after the last read (after a {@link #rewind}, from the cursor), oldest
     * first; empty when all were read.
     */
    public synchronized List<Entry> read(int max) {
        List<Entry> entries = new ArrayList<>();
        try {
            if (reader == null) {
                reader = seek(cursor);
            }
            while (entries.size() < max && reader != null && reader.sequence() < nextSequence) {
                Path file = segments.get(reader.segment());
                if (file == null) {
                    reader = seek(reader.sequence());
                    continue;
                }
                try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                    long offset = reader.offset();
                    long sequence = reader.sequence();
                    Frame frame;
                    while (entries.size() < max && (frame = readFrame(in, offset)) != null) {
                        if (!acknowledgedAhead.contains(frame.entry().sequence())) {
                            entries.add(frame.entry()); // what Kafka already has is not sent again
                        }
                        offset += frame.size();
                        sequence = frame.entry().sequence() + 1;
                    }
                    reader = new ReadPosition(reader.segment(), offset, sequence);
                }
                if (entries.size() < max) {
                    Long next = segments.higherKey(reader.segment());
                    if (next == null) {
                        break; // the end of the writer's segment
                    }
                    reader = new ReadPosition(next, 0, Math.max(reader.sequence(), next));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool in " + dir + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** Reads again from the first unacknowledged record (after a failed send), skipping those acknowledged since. */
    public synchronized void rewind() {
        reader = null;
    }

    /** Marks a record as acknowledged by Kafka; the cursor moves over every acknowledged record at its head. */
    public synchronized void acknowledge(long sequence) {
        if (sequence < cursor) {
            // Sent before its segment was dropped: it made it after all.
            if (droppedRanges.stream().anyMatch(r -> sequence >= r[0] && sequence < r[1])) {
                rescued.add(sequence);
            }
            return;
        }
        acknowledgedAhead.add(sequence);
        long before = cursor;
        while (!acknowledgedAhead.isEmpty() && acknowledgedAhead.first() == cursor) {
            acknowledgedAhead.pollFirst();
            cursor++;
        }
        if (cursor != before) {
            writeCursor();
            while (segments.size() > 1 && segments.higherKey(segments.firstKey()) <= cursor) {
                delete(segments.pollFirstEntry().getValue());
            }
        }
    }

    /** Records spooled and not yet acknowledged. */
    public synchronized long pending() {
        return nextSequence - cursor;
    }

    /** Records deleted unacknowledged because the spool was full (and not delivered from flight after all). */
    public synchronized long dropped() {
        return dropped - rescued.size();
    }

    /** Bytes the segments take on disk. */
    public synchronized long bytes() {
        return bytes;
    }

    private ReadPosition seek(long sequence) throws IOException {
        Map.Entry<Long, Path> segment = segments.floorEntry(sequence);
        if (segment == null) {
            return segments.isEmpty() ? null : new ReadPosition(segments.firstKey(), 0, segments.firstKey());
        }
        long offset = 0;
        long at = segment.getKey();
        try (FileChannel in = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
            Frame frame;
            while (at < sequence && (frame = readFrame(in, offset)) != null) {
                offset += frame.size();
                at = frame.entry().sequence() + 1;
            }
        }
        return new ReadPosition(segment.getKey(), offset, at);
    }

    /** The end of a segment's valid frames: {byte offset, next sequence}. */
    private long[] scanToEnd(long first, Path file) throws IOException {
        long offset = 0;
        long next = first;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Frame frame;
            while ((frame = readFrame(in, offset)) != null) {
                offset += frame.size();
                next = frame.entry().sequence() + 1;
            }
        }
        return new long[] {offset, next};
    }

    /** A record as stored, and the bytes its frame takes. */
    private record Frame(Entry entry, int size) {
    }

    /** The frame at the offset, or null at the end or at a torn or corrupt frame. */
    private static Frame readFrame(FileChannel in, long offset) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        if (in.read(header, offset) < HEADER) {
            return null;
        }
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        if (length < 12 || offset + HEADER + length > in.size()) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        while (body.hasRemaining()) {
            if (in.read(body, offset + HEADER + body.position()) < 0) {
                return null;
            }
        }
        CRC32C check = new CRC32C();
        check.update(body.array(), 0, length);
        if ((int) check.getValue() != crc) {
            return null;
        }
        body.flip();
        long sequence = body.getLong();
        byte[] topic = new byte[body.getShort()];
        body.get(topic);
        byte[] key = new byte[body.getShort()];
        body.get(key);
        byte[] value = new byte[body.remaining()];
        body.get(value);
        return new Frame(new Entry(sequence, new String(topic, StandardCharsets.UTF_8),
                key.length == 0 ? null : new String(key, StandardCharsets.UTF_8), value), HEADER + length);
    }

    private long readCursor() throws IOException {
        ByteBuffer value = ByteBuffer.allocate(8);
        return cursorFile.read(value, 0) == 8 ? value.flip().getLong() : 0;
    }

    private void writeCursor() {
        try {
            cursorFile.write(ByteBuffer.allocate(8).putLong(0, cursor), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the spool's cursor in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void delete(Path file) {
        try {
            bytes -= Files.size(file);
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete spool segment " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (writer != null) {
                writer.close();
            }
            lock.release();
            cursorFile.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the spool in " + dir + ": " + e.getMessage(), e);
        }
    }
}
