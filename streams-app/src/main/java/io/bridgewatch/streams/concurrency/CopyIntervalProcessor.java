package io.bridgewatch.streams.concurrency;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.cost.CrossingCost;
import io.bridgewatch.streams.cost.StreamTails;
import io.bridgewatch.streams.internal.IntervalSample;
import java.util.OptionalLong;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * A crossing's copy interval, cut at node-window boundaries. Without GPU times the interval starts no earlier than
 * the host saw the previous copy on the stream done, which this processor keeps per stream in the host-tails store.
 */
public final class CopyIntervalProcessor implements FixedKeyProcessor<String, Crossing, IntervalSample> {
    private static final long NS_PER_MS = 1_000_000;
    private final long windowNs;
    private FixedKeyProcessorContext<String, IntervalSample> context;
    private StreamTails hostTails;

    public CopyIntervalProcessor(long windowNs) {
        this.windowNs = windowNs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, IntervalSample> context) {
        this.context = context;
        this.hostTails = new StreamTails(context.getStateStore(StoreNames.HOST_TAILS));
    }

    @Override
    public void process(FixedKeyRecord<String, Crossing> record) {
        Crossing c = record.value();
        if (c == null) {
            return;
        }
        OptionalLong prior = OptionalLong.empty();
        if (CrossingCost.formOf(c) == CostForm.CPU_ONLY) {
            prior = hostTails.get(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId());
            hostTails.advance(c.getNodeId(), c.getGpuIndex(), c.getContextId(), c.getStreamId(),
                    Intervals.hostDoneNs(c));
        }
        for (IntervalSample piece : Intervals.splitByWindow(Intervals.of(c, prior), windowNs)) {
            context.forward(record.withValue(piece).withTimestamp(piece.getStartNs() / NS_PER_MS));
        }
    }
}
