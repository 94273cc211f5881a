package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.NodeEventBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.Decoder;

/**
 * Reads a NodeEventBatch written with its current schema, as {@link CrossingReader} reads a Crossing. Through the
 * serde its elements are {@link BatchElements}, ranges of the record's bytes, each read in place by
 * {@link NodeEventCodec#decode(BatchElements, int, io.bridgewatch.schema.Crossing, io.bridgewatch.schema.KernelExec)}:
 * the copy of each into an array of its own cost as much as reading it.
 */
final class NodeEventBatchReader extends CurrentSchemaReader<NodeEventBatch> {
    /** The parsing fingerprint of the NodeEventBatch schema this reader reads. */
    static final long FINGERPRINT = 0x57E554316CC7FE2BL;

    /** Elements the list is made for up front, at most (a corrupt count must not allocate gigabytes). */
    private static final int MAX_PRESIZED = 4096;

    @Override
    public NodeEventBatch read(NodeEventBatch reuse, Decoder in) throws IOException {
        NodeEventBatch batch = reuse != null ? reuse : new NodeEventBatch();
        DirectReads.Texts texts = DirectReads.texts();
        batch.setNodeId(texts.read(in, DirectReads.Texts.NODE_ID));
        long block = in.readArrayStart();
        int expected = (int) Math.min(block, MAX_PRESIZED);
        if (in instanceof ArrayDecoder array) { // through the serde: the elements' ranges in the record's bytes
            BatchElements elements = new BatchElements(array.array(), expected);
            for (; block != 0; block = in.arrayNext()) {
                for (long i = 0; i < block; i++) {
                    array.readBytesInto(elements);
                }
            }
            batch.setEvents(elements);
            return batch;
        }
        List<ByteBuffer> events = new ArrayList<>(expected);
        for (; block != 0; block = in.arrayNext()) {
            for (long i = 0; i < block; i++) {
                events.add(in.readBytes(null));
            }
        }
        batch.setEvents(events);
        return batch;
    }
}
