package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;

/**
 * Moves a reference trace onto the analysed trace's time line: its first event lands on the analysed trace's first
 * event, so both fall in the same windows (they were recorded at different times, on different machines).
 */
final class TimeShiftingSink implements EventSink {
    private final EventSink target;
    private final long alignToNs;
    private Long offsetNs;

    TimeShiftingSink(EventSink target, long alignToNs) {
        this.target = target;
        this.alignToNs = alignToNs;
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        target.nodeInfo(info);
    }

    @Override
    public void crossing(Crossing c) {
        long offset = offset(c.getApiStartNs());
        Crossing.Builder shifted = Crossing.newBuilder(c).setApiStartNs(c.getApiStartNs() + offset)
                .setApiEndNs(c.getApiEndNs() + offset);
        if (c.getGpuStartNs() != null) {
            shifted.setGpuStartNs(c.getGpuStartNs() + offset).setGpuEndNs(c.getGpuEndNs() + offset);
        }
        if (c.getHostSyncEndNs() != null) {
            shifted.setHostSyncEndNs(c.getHostSyncEndNs() + offset);
        }
        target.crossing(shifted.build());
    }

    @Override
    public void kernel(KernelExec k) {
        long offset = offset(k.getApiStartNs());
        KernelExec.Builder shifted = KernelExec.newBuilder(k).setApiStartNs(k.getApiStartNs() + offset)
                .setApiEndNs(k.getApiEndNs() + offset);
        if (k.getGpuStartNs() != null) {
            shifted.setGpuStartNs(k.getGpuStartNs() + offset).setGpuEndNs(k.getGpuEndNs() + offset);
        }
        target.kernel(shifted.build());
    }

    @Override
    public void serving(ServingSample sample) {
        target.serving(sample);
    }

    private long offset(long firstEventNs) {
        if (offsetNs == null) {
            offsetNs = alignToNs - firstEventNs;
        }
        return offsetNs;
    }
}
