package io.bridgewatch.streams.offline;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.NodeEventCodec;
import java.util.function.Consumer;

/** Events made pipeline inputs (each event encoded once, as a batch element) for whoever takes them. */
final class PipelineInputSink implements EventSink {
    private final Consumer<PipelineInput> target;

    PipelineInputSink(Consumer<PipelineInput> target) {
        this.target = target;
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        target.accept(PipelineInput.of(info));
    }

    @Override
    public void crossing(Crossing crossing) {
        target.accept(PipelineInput.of(crossing, NodeEventCodec.encode(crossing)));
    }

    @Override
    public void kernel(KernelExec kernel) {
        target.accept(PipelineInput.of(kernel, NodeEventCodec.encode(kernel)));
    }

    @Override
    public void serving(ServingSample sample) {
        target.accept(PipelineInput.of(sample, NodeEventCodec.encode(sample)));
    }
}
