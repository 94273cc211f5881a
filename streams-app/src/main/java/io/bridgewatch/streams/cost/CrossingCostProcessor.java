package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.internal.CostSample;
import java.util.OptionalLong;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Charges each crossing its cost (DESIGN 4.1), using and advancing the per-stream tails, and tells whether an async
 * call blocked (DESIGN 4.2). Copies seen only on the GPU advance the tails and are passed on uncharged, to be counted.
 */
public final class CrossingCostProcessor implements FixedKeyProcessor<String, Crossing, CostSample> {
    private final AsyncBlocking asyncBlocking;
    private FixedKeyProcessorContext<String, CostSample> context;
    private StreamTails tails;

    public CrossingCostProcessor(AsyncBlocking asyncBlocking) {
        this.asyncBlocking = asyncBlocking;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, CostSample> context) {
        this.context = context;
        this.tails = new StreamTails(context.getStateStore(StoreNames.STREAM_TAILS));
    }

    @Override
    public void process(FixedKeyRecord<String, Crossing> record) {
        Crossing c = record.value();
        if (c == null) {
            return;
        }
        if (!c.getHostCall()) {
            forwardGpuOnly(record, c);
            return;
        }
        CostForm form = CrossingCost.formOf(c);
        OptionalLong prior = form == CostForm.GPU
                ? tails.get(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId())
                : OptionalLong.empty();
        Boolean asyncBlocked = asyncBlocking.blocked(c);
        OptionalLong cost = CrossingCost.costNs(c, prior, Boolean.TRUE.equals(asyncBlocked));
        if (form == CostForm.GPU) {
            tails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(), c.getGpuEndNs());
        }
        Long gpuDuration = form == CostForm.GPU ? c.getGpuEndNs() - c.getGpuStartNs() : null;
        context.forward(record.withValue(new CostSample(c.getGpuIndex(), c.getDirection().name(),
                c.getHostMemory().name(), form.name(), c.getBytes(), cost.isPresent() ? cost.getAsLong() : null,
                gpuDuration, c.getAsyncRequested(), c.getApiEndNs() - c.getApiStartNs(), asyncBlocked,
                c.getContextId(), c.getPhase() == null ? null : c.getPhase().name(), CrossingCost.readyNs(c, prior),
                CrossingCost.doneNs(c), true, c.getBytesKnown())));
    }

    /**
     * A copy seen only on the GPU: it occupied its stream (the tail advances) and is counted with its bytes, but no
     * cost is charged, since when it could have started is unknown.
     */
    private void forwardGpuOnly(FixedKeyRecord<String, Crossing> record, Crossing c) {
        if (CrossingCost.formOf(c) != CostForm.GPU) {
            return; // no times at all: nothing a reader emits
        }
        tails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(), c.getGpuEndNs());
        context.forward(record.withValue(new CostSample(c.getGpuIndex(), c.getDirection().name(),
                c.getHostMemory().name(), CostForm.GPU.name(), c.getBytes(), null,
                c.getGpuEndNs() - c.getGpuStartNs(), false, 0L, null, c.getContextId(),
                c.getPhase() == null ? null : c.getPhase().name(), c.getGpuStartNs(), c.getGpuEndNs(), false,
                c.getBytesKnown())));
    }
}
