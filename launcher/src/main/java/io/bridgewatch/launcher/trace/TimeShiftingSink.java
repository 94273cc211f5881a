package io.bridgewatch.launcher.trace;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;

/**
 * Moves a trace in time: a reference trace onto the analysed trace's time line (its first event on theirs, so both
 * fall in the same windows though they were recorded at different times), or an imported trace up to now (so a live
 * pipeline takes it as live data instead of late data).
 */
final class TimeShiftingSink implements EventSink {
    private final EventSink target;
    private final long alignToNs;
    private Long offsetNs;

    private TimeShiftingSink(EventSink target, long alignToNs, Long offsetNs) {
        this.target = target;
        this.alignToNs = alignToNs;
        this.offsetNs = offsetNs;
    }

    /** Moves every event so that the first one lands on {@code alignToNs}. */
    static TimeShiftingSink alignFirstEvent(EventSink target, long alignToNs) {
        return new TimeShiftingSink(target, alignToNs, null);
    }

    /** Moves every event by {@code offsetNs}. */
    static TimeShiftingSink by(EventSink target, long offsetNs) {
        return new TimeShiftingSink(target, 0, offsetNs);
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
