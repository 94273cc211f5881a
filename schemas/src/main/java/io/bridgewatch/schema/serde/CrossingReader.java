package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import java.io.IOException;
import org.apache.avro.io.Decoder;

/**
 * Reads a Crossing written with its current schema, field by field in the schema's order, straight into the
 * record's setters: Avro's fast reader sets every field through {@code put(int, Object)}, boxing each number, and
 * the generated decoder goes through a resolving decoder's grammar per field. Used for {@link #FINGERPRINT} only
 * (other writer schemas are resolved by Avro); {@code DirectReadersTest} checks it against Avro's own reader and
 * fails when the schema changes without it.
 */
final class CrossingReader extends CurrentSchemaReader<Crossing> {
    /** The parsing fingerprint of the Crossing schema this reader reads. */
    static final long FINGERPRINT = 0x29DB03C4DE6AD08FL;
    private static final Direction[] DIRECTIONS = Direction.values();
    private static final HostMemoryKind[] HOST_MEMORY_KINDS = HostMemoryKind.values();

    @Override
    public Crossing read(Crossing reuse, Decoder in) throws IOException {
        Crossing c = reuse != null ? reuse : new Crossing();
        DirectReads.Texts texts = DirectReads.texts();
        c.setNodeId(texts.read(in, DirectReads.Texts.NODE_ID));
        c.setGpuIndex(in.readInt());
        c.setPid(in.readInt());
        c.setTid(in.readLong());
        c.setContextId(in.readLong());
        c.setStreamId(in.readLong());
        c.setCorrelationId(in.readLong());
        c.setApi(texts.read(in, DirectReads.Texts.CROSSING_API));
        c.setDirection(DIRECTIONS[in.readEnum()]);
        c.setHostMemory(HOST_MEMORY_KINDS[in.readEnum()]);
        c.setBytes(in.readLong());
        c.setAsyncRequested(in.readBoolean());
        c.setApiStartNs(in.readLong());
        c.setApiEndNs(in.readLong());
        c.setGpuStartNs(DirectReads.nullableLong(in));
        c.setGpuEndNs(DirectReads.nullableLong(in));
        c.setHostSyncEndNs(DirectReads.nullableLong(in));
        c.setPhase(DirectReads.nullablePhase(in));
        c.setStatusCode(in.readInt());
        c.setHostCall(in.readBoolean());
        c.setBytesKnown(in.readBoolean());
        return c;
    }
}
