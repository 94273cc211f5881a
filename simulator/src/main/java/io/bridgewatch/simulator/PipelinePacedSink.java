package io.bridgewatch.simulator;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A collector paced by the pipeline in virtual-time replays: its flush (once per simulated second) also waits until
 * the streams-app's input lag is small. A replay that runs far ahead of the streams-app lets its partitions progress
 * unevenly in event time, and cohort windows, which gather every partition, would then see late records; live fleets
 * produce at the pace of the wall clock, so they never wait here.
 */
final class PipelinePacedSink implements EventSink {
    /**
     * About two simulated seconds of the default fleet's input records: collectors send a node's copies and kernels
     * in node event batches, a few records per node per simulated second (it was 10,000 while every event was a
     * record: in batches that let a replay run minutes ahead of the pipeline).
     */
    static final long MAX_INPUT_LAG = 100;
    private static final long MAX_WAIT_MS = 30_000;

    private final EventSink collector;
    private final LongSupplier inputLag;
    private final BooleanSupplier stopping;

    /** @param inputLag records the streams-app has still to read from its input topics */
    PipelinePacedSink(EventSink collector, LongSupplier inputLag, BooleanSupplier stopping) {
        this.collector = collector;
        this.inputLag = inputLag;
        this.stopping = stopping;
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        collector.nodeInfo(info);
    }

    @Override
    public void crossing(Crossing crossing) {
        collector.crossing(crossing);
    }

    @Override
    public void kernel(KernelExec kernel) {
        collector.kernel(kernel);
    }

    @Override
    public void serving(ServingSample sample) {
        collector.serving(sample);
    }

    @Override
    public void flush() throws InterruptedException {
        collector.flush();
        long deadline = System.currentTimeMillis() + MAX_WAIT_MS;
        while (inputLag.getAsLong() > MAX_INPUT_LAG && !stopping.getAsBoolean()
                && System.currentTimeMillis() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
