package io.bridgewatch.schema.serde;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.InvalidNumberEncodingException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary encoding read from a range of a byte array, for the direct readers. Avro's {@code BinaryDecoder}
 * builds a byte source per range it is given and, within ten bytes of the range's end, copies the rest into a
 * buffer of its own (a long may take ten): for an element of a node event batch, read in place, that was a range
 * and a copy per event, a tenth of the topology's time. This one is re-pointed without allocating and checks each
 * read against the range instead. {@link #readBytes} returns a view of the array, not a copy.
 *
 * <p>Reads as {@code BinaryDecoder} reads, errors included: a read past the range is an {@link EOFException}, a
 * varint longer than its type an {@link InvalidNumberEncodingException}, a negative length an
 * {@link AvroRuntimeException}. Not thread-safe: one per thread.
 */
final class ArrayDecoder extends Decoder {
    private static final VarHandle LITTLE_ENDIAN_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The most bytes a long's varint takes. */
    private static final int MAX_LONG_BYTES = 10;
    private byte[] data = new byte[0];
    private int pos;
    private int limit;

    /** Reads {@code data[offset, end)} from its start. */
    ArrayDecoder reset(byte[] data, int offset, int end) {
        this.data = data;
        this.pos = offset;
        this.limit = end;
        return this;
    }

    @Override
    public void readNull() {
        // A null is written as nothing.
    }

    @Override
    public boolean readBoolean() throws IOException {
        require(1);
        return data[pos++] == 1;
    }

    @Override
    public int readInt() throws IOException {
        if (pos < limit && data[pos] >= 0) { // one byte: enum and union indexes, lengths, small ints
            int value = data[pos++];
            return (value >>> 1) ^ -(value & 1);
        }
        if (limit - pos >= Long.BYTES) {
            long word = (long) LITTLE_ENDIAN_LONG.get(data, pos);
            int length = varintLength(word);
            if (length > 5) {
                throw new InvalidNumberEncodingException("Invalid int encoding");
            }
            pos += length;
            int value = (int) groups(word, length);
            return (value >>> 1) ^ -(value & 1);
        }
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            require(1);
            int b = data[pos++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new InvalidNumberEncodingException("Invalid int encoding");
    }

    /**
     * One byte at once; otherwise a word at a time where ten bytes are left (a nanosecond timestamp takes nine: nine
     * loop turns, each with its range check, were a tenth of the topology's time); byte by byte near the range's end.
     */
    @Override
    public long readLong() throws IOException {
        if (pos < limit && data[pos] >= 0) {
            long value = data[pos++];
            return (value >>> 1) ^ -(value & 1);
        }
        if (limit - pos >= MAX_LONG_BYTES) {
            long word = (long) LITTLE_ENDIAN_LONG.get(data, pos);
            int length = varintLength(word);
            long value;
            if (length <= Long.BYTES) {
                pos += length;
                value = groups(word, length);
            } else {
                value = groups(word, Long.BYTES);
                long ninth = data[pos + 8];
                value |= (ninth & 0x7f) << 56;
                if (ninth >= 0) {
                    pos += 9;
                } else {
                    long tenth = data[pos + 9];
                    if (tenth < 0) {
                        throw new InvalidNumberEncodingException("Invalid long encoding");
                    }
                    value |= tenth << 63;
                    pos += 10;
                }
            }
            return (value >>> 1) ^ -(value & 1);
        }
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            require(1);
            long b = data[pos++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new InvalidNumberEncodingException("Invalid long encoding");
    }

    /** The bytes of the varint that starts the little-endian {@code word}: 1 to 8, or 9 if it goes on past it. */
    private static int varintLength(long word) {
        long ends = ~word & 0x8080808080808080L; // the high bit of each byte that ends a varint
        return (Long.numberOfTrailingZeros(ends) >>> 3) + 1;
    }

    /** The 7-bit groups of the word's first {@code length} (1 to 8) bytes, side by side: up to 56 bits. */
    private static long groups(long word, int length) {
        long x = word & (-1L >>> (64 - 8 * length)) & 0x7f7f7f7f7f7f7f7fL;
        x = (x & 0x007f007f007f007fL) | ((x & 0x7f007f007f007f00L) >>> 1);
        x = (x & 0x00003fff00003fffL) | ((x & 0x3fff00003fff0000L) >>> 2);
        return (x & 0x000000000fffffffL) | ((x & 0x0fffffff00000000L) >>> 4);
    }

    @Override
    public float readFloat() throws IOException {
        require(4);
        float value = Float.intBitsToFloat((int) LITTLE_ENDIAN_INT.get(data, pos));
        pos += 4;
        return value;
    }

    @Override
    public double readDouble() throws IOException {
        require(8);
        double value = Double.longBitsToDouble((long) LITTLE_ENDIAN_LONG.get(data, pos));
        pos += 8;
        return value;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length();
        Utf8 text = old != null ? old : new Utf8();
        text.setByteLength(length);
        System.arraycopy(data, pos, text.getBytes(), 0, length);
        pos += length;
        return text;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    /**
     * Reads the next string if its bytes are {@code bytes[0, length)} and says so; otherwise reads nothing. A text
     * that repeats (a batch's node id) is recognised in place, neither copied nor hashed.
     */
    boolean skipStringIfEqual(byte[] bytes, int length) throws IOException {
        int start = pos;
        if (length() == length && Arrays.equals(data, pos, pos + length, bytes, 0, length)) {
            pos += length;
            return true;
        }
        pos = start;
        return false;
    }

    @Override
    public void skipString() throws IOException {
        skipFixed(length());
    }

    /** A view of the bytes in the array being read (position 0, the bytes' length): valid while the array is. */
    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length();
        ByteBuffer view = ByteBuffer.wrap(data, pos, length).slice();
        pos += length;
        return view;
    }

    /** Reads a bytes value as the next of {@code elements}: its range in the array being read, not a view. */
    void readBytesInto(BatchElements elements) throws IOException {
        int length = length();
        elements.add(pos, length);
        pos += length;
    }

    /** The array being read (for {@link BatchElements} over it). */
    byte[] array() {
        return data;
    }

    @Override
    public void skipBytes() throws IOException {
        skipFixed(length());
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        require(length);
        System.arraycopy(data, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        require(length);
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return blockCount();
    }

    @Override
    public long arrayNext() throws IOException {
        return blockCount();
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks();
    }

    @Override
    public long readMapStart() throws IOException {
        return blockCount();
    }

    @Override
    public long mapNext() throws IOException {
        return blockCount();
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /** A block's item count; a negative count is followed by the block's size in bytes, not needed here. */
    private long blockCount() throws IOException {
        long count = readLong();
        if (count < 0) {
            readLong();
            return -count;
        }
        return count;
    }

    /** Skips the blocks that give their size in bytes; the count of the first block that does not, or 0 at the end. */
    private long skipBlocks() throws IOException {
        long count = readLong();
        while (count < 0) {
            long size = readLong();
            if (size < 0 || size > limit - pos) {
                throw new EOFException("a block of " + size + " bytes, " + (limit - pos) + " left");
            }
            pos += (int) size;
            count = readLong();
        }
        return count;
    }

    /** A string's or bytes' length, checked against what is left. */
    private int length() throws IOException {
        long length = readLong();
        if (length < 0) {
            throw new AvroRuntimeException("Malformed data. Length is negative: " + length);
        }
        if (length > limit - pos) {
            throw new EOFException("a length of " + length + " bytes, " + (limit - pos) + " left");
        }
        return (int) length;
    }

    private void require(int bytes) throws EOFException {
        if (bytes < 0 || bytes > limit - pos) {
            throw new EOFException(bytes + " bytes wanted, " + (limit - pos) + " left");
        }
    }
}
