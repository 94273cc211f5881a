package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.NodeEventBatch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryData;

/**
 * A {@link NodeEventBatch}'s single-object encoding built element by element: each encoded event is written once,
 * as the array item it becomes (its length, then its bytes), into an array kept from batch to batch; {@link #finish}
 * puts the header, the node id and the item count before it and the array's end after. The bytes are exactly those of
 * the batch serde for {@link NodeEventCodec#batch} of the same elements, without a list, a {@code ByteBuffer} per
 * element, a record and a second copy of every element; lengths and counts go through Avro's own varint encoder
 * ({@link BinaryData}) straight into the array (a {@code ByteArrayOutputStream} takes a lock per byte of a varint).
 * Not thread-safe: one per batcher.
 */
public final class NodeEventBatchEncoder {
    private static final byte[] HEADER = BridgewatchSerdes.of(NodeEventBatch.class).header();
    /** The most bytes a long takes as an Avro varint. */
    private static final int MAX_VARINT_BYTES = 10;
    private static final int INITIAL_BYTES = 4096;
    /** An array grown by one large batch is not kept for the batcher's life. */
    private static final int KEPT_BYTES = 1 << 20;
    private byte[] items = new byte[INITIAL_BYTES];
    private int size;
    private int count;

    /** Appends one element: an event in single-object encoding, as {@link NodeEventCodec#encode} gives it. */
    public void add(byte[] event) {
        ensureRoom(MAX_VARINT_BYTES + event.length);
        size += BinaryData.encodeLong(event.length, items, size);
        System.arraycopy(event, 0, items, size, event.length);
        size += event.length;
        count++;
    }

    public int count() {
        return count;
    }

    /** The batch of the elements added since the last finish, as the value of a node events record; empties it. */
    public byte[] finish(String nodeId) {
        byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[HEADER.length + 2 * MAX_VARINT_BYTES + node.length];
        System.arraycopy(HEADER, 0, prefix, 0, HEADER.length);
        int prefixBytes = HEADER.length;
        prefixBytes += BinaryData.encodeLong(node.length, prefix, prefixBytes);
        System.arraycopy(node, 0, prefix, prefixBytes, node.length);
        prefixBytes += node.length;
        if (count > 0) { // an empty array is only its end
            prefixBytes += BinaryData.encodeLong(count, prefix, prefixBytes);
        }
        byte[] end = new byte[MAX_VARINT_BYTES];
        int endBytes = BinaryData.encodeLong(0, end, 0);
        byte[] batch = new byte[prefixBytes + size + endBytes];
        System.arraycopy(prefix, 0, batch, 0, prefixBytes);
        System.arraycopy(items, 0, batch, prefixBytes, size);
        System.arraycopy(end, 0, batch, prefixBytes + size, endBytes);
        clear();
        return batch;
    }

    /** Forgets the elements added since the last finish. */
    public void clear() {
        size = 0;
        count = 0;
        if (items.length > KEPT_BYTES) {
            items = new byte[INITIAL_BYTES];
        }
    }

    private void ensureRoom(int bytes) {
        if (items.length - size < bytes) {
            items = Arrays.copyOf(items, Math.max(items.length * 2, size + bytes));
        }
    }
}
