package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.NodeEventBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A {@link NodeEventBatch}'s single-object encoding built element by element: each encoded event is written once,
 * as the array item it becomes, into a buffer kept from batch to batch; {@link #finish} puts the header, the node id
 * and the item count before it. The bytes are exactly those of the batch serde for {@link NodeEventCodec#batch} of the
 * same elements, without a list, a {@code ByteBuffer} per element, a record and a second copy of every element.
 * Not thread-safe: one per batcher.
 */
public final class NodeEventBatchEncoder {
    private static final byte[] HEADER = BridgewatchSerdes.of(NodeEventBatch.class).header();
    /** A buffer grown by one large batch is not kept for the batcher's life. */
    private static final int KEPT_BYTES = 1 << 20;
    private final Buffer items = new Buffer(4096);
    private final BinaryEncoder itemEncoder = EncoderFactory.get().directBinaryEncoder(items, null);
    private final Buffer prefix = new Buffer(64);
    private final BinaryEncoder prefixEncoder = EncoderFactory.get().directBinaryEncoder(prefix, null);
    private int count;

    /** Appends one element: an event in single-object encoding, as {@link NodeEventCodec#encode} gives it. */
    public void add(byte[] event) {
        try {
            itemEncoder.writeBytes(event, 0, event.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        count++;
    }

    public int count() {
        return count;
    }

    /** The batch of the elements added since the last finish, as the value of a node events record; empties it. */
    public byte[] finish(String nodeId) {
        try {
            prefix.reset();
            prefix.write(HEADER);
            prefixEncoder.writeString(nodeId);
            prefixEncoder.writeArrayStart();
            prefixEncoder.setItemCount(count);
            int prefixBytes = prefix.size();
            prefixEncoder.writeArrayEnd();
            byte[] batch = new byte[prefix.size() + items.size()];
            prefix.copyTo(0, prefixBytes, batch, 0);
            items.copyTo(0, items.size(), batch, prefixBytes);
            prefix.copyTo(prefixBytes, prefix.size() - prefixBytes, batch, prefixBytes + items.size());
            clear();
            return batch;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets the elements added since the last finish. */
    public void clear() {
        items.reset();
        count = 0;
        if (items.capacity() > KEPT_BYTES) {
            items.shrink();
        }
    }

    /** A byte array stream whose bytes are copied out in place (no {@code toByteArray} copy). */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        void copyTo(int from, int length, byte[] target, int at) {
            System.arraycopy(buf, from, target, at, length);
        }

        int capacity() {
            return buf.length;
        }

        void shrink() {
            buf = new byte[4096];
        }
    }
}
