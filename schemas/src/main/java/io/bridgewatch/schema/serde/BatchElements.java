package io.bridgewatch.schema.serde;

import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * A node event batch's elements as the batch serde reads them: ranges of the record's bytes (an offset and a length
 * each), read in place with {@link NodeEventCodec#decode(BatchElements, int, io.bridgewatch.schema.Crossing,
 * io.bridgewatch.schema.KernelExec)}; a list of {@code ByteBuffer} views to everyone else, each made when asked for (a
 * view per element was a tenth of the topology's garbage). Valid while the record's bytes are; not thread-safe.
 */
public final class BatchElements extends AbstractList<ByteBuffer> implements RandomAccess {
    private final byte[] data;
    private int[] offsets;
    private int[] lengths;
    private int size;

    BatchElements(byte[] data, int expected) {
        this.data = data;
        this.offsets = new int[Math.max(1, expected)];
        this.lengths = new int[offsets.length];
    }

    void add(int offset, int length) {
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
        }
        offsets[size] = offset;
        lengths[size] = length;
        size++;
    }

    /** The record's bytes, in which every element lies. */
    byte[] array() {
        return data;
    }

    int offset(int index) {
        checkIndex(index);
        return offsets[index];
    }

    int length(int index) {
        checkIndex(index);
        return lengths[index];
    }

    /** A view of the element (position 0, its length), as Avro's decoders hand out bytes. */
    @Override
    public ByteBuffer get(int index) {
        checkIndex(index);
        return ByteBuffer.wrap(data, offsets[index], lengths[index]).slice();
    }

    @Override
    public int size() {
        return size;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("element " + index + " of " + size);
        }
    }
}
