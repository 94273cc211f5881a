package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.NodeEventBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.Decoder;

/**
 * Reads a NodeEventBatch written with its current schema, as {@link CrossingReader} reads a Crossing. Through the
 * serde its elements are views of the record's bytes ({@link ArrayDecoder#readBytes}), each read in place by
 * {@link NodeEventCodec#decode(ByteBuffer, io.bridgewatch.schema.Crossing, io.bridgewatch.schema.KernelExec)}: the
 * copy of each into an array of its own cost as much as reading it.
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
        List<ByteBuffer> events = new ArrayList<>((int) Math.min(block, MAX_PRESIZED));
        for (; block != 0; block = in.arrayNext()) {
            for (long i = 0; i < block; i++) {
                events.add(in.readBytes(null)); // from the serde's ArrayDecoder, a view of the record's bytes
            }
        }
        batch.setEvents(events);
        return batch;
    }
}
