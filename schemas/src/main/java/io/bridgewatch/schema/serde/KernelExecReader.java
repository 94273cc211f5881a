package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.KernelExec;
import java.io.IOException;
import org.apache.avro.io.Decoder;

/**
 * Reads a KernelExec written with its current schema, as {@link CrossingReader} reads a Crossing. A launch shape
 * equal to the one of the record read into before is that record's list again (a trace launches the same shapes
 * over and over; the lists are not changed by their readers).
 */
final class KernelExecReader extends CurrentSchemaReader<KernelExec> {
    /** The parsing fingerprint of the KernelExec schema this reader reads. */
    static final long FINGERPRINT = 0x530BAD42AE0AAC70L;

    @Override
    public KernelExec read(KernelExec reuse, Decoder in) throws IOException {
        KernelExec k = reuse != null ? reuse : new KernelExec();
        DirectReads.Texts texts = DirectReads.texts();
        k.setNodeId(texts.read(in, DirectReads.Texts.NODE_ID));
        k.setGpuIndex(in.readInt());
        k.setPid(in.readInt());
        k.setTid(in.readLong());
        k.setContextId(in.readLong());
        k.setStreamId(in.readLong());
        k.setCorrelationId(in.readLong());
        k.setKernelName(texts.read(in, DirectReads.Texts.KERNEL_NAME));
        k.setGrid(DirectReads.ints(in, reuse == null ? null : reuse.getGrid()));
        k.setBlock(DirectReads.ints(in, reuse == null ? null : reuse.getBlock()));
        k.setGraphId(DirectReads.nullableLong(in));
        k.setApiStartNs(in.readLong());
        k.setApiEndNs(in.readLong());
        k.setGpuStartNs(DirectReads.nullableLong(in));
        k.setGpuEndNs(DirectReads.nullableLong(in));
        k.setPhase(DirectReads.nullablePhase(in));
        k.setHostCall(in.readBoolean());
        return k;
    }
}
