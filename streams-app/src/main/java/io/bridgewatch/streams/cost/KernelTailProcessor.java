package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.streams.StoreNames;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Kernels are earlier work on their stream: a copy queued behind one is not charged for the wait. */
public final class KernelTailProcessor implements FixedKeyProcessor<String, KernelExec, Void> {
    private StreamTails tails;

    @Override
    public void init(FixedKeyProcessorContext<String, Void> context) {
        this.tails = new StreamTails(context.getStateStore(StoreNames.STREAM_TAILS));
    }

    @Override
    public void process(FixedKeyRecord<String, KernelExec> record) {
        KernelExec k = record.value();
        if (k != null && k.getGpuEndNs() != null) {
            tails.advance(k.getNodeId(), k.getGpuIndex(), k.getContextId(), k.getStreamId(), k.getGpuEndNs());
        }
    }
}
