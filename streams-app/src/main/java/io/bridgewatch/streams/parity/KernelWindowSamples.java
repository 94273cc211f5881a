package io.bridgewatch.streams.parity;

import io.bridgewatch.streams.internal.CohortSample;
import io.bridgewatch.streams.internal.KernelWindowState;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** A node's closed kernel window as a cohort sample, stamped with the window start. */
public final class KernelWindowSamples implements Processor<Windowed<String>, KernelWindowState, String, CohortSample> {
    private ProcessorContext<String, CohortSample> context;

    @Override
    public void init(ProcessorContext<String, CohortSample> context) {
        this.context = context;
    }

    @Override
    public void process(Record<Windowed<String>, KernelWindowState> record) {
        if (record.value() == null || record.value().getKernels().isEmpty()) {
            return;
        }
        String node = record.key().key();
        context.forward(new Record<>(node, CohortSample.newBuilder().setNodeId(node)
                .setKernels(record.value().getKernels()).build(), record.key().window().start()));
    }
}
