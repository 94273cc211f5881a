package io.bridgewatch.streams.cost;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.Phase;

/**
 * The cost of one crossing (DESIGN 4.1) as the node stages read it. {@link CrossingCosts} fills one anew for each
 * crossing and the stages copy what they need (into window states, phase events) before the next: it is never kept,
 * so a crossing costs no allocation here (boxed nullable times were a tenth of the topology's garbage).
 */
public final class CostSample {
    private int gpuIndex;
    private Direction direction;
    private HostMemoryKind hostMemory;
    private CostForm form;
    private long bytes;
    private boolean bytesKnown;
    private boolean hostCall;
    private long costNs;
    private long gpuDurationNs;
    private boolean asyncRequested;
    private boolean asyncBlocked;
    private long hostLatencyNs;
    private long contextId;
    private Phase phase;
    private long readyNs;
    private long doneNs;

    /** The crossing's own fields; its cost, times and async verdict come next from {@link #charge}. */
    CostSample of(Crossing c, CostForm form) {
        this.gpuIndex = c.getGpuIndex();
        this.direction = c.getDirection();
        this.hostMemory = c.getHostMemory();
        this.form = form;
        this.bytes = c.getBytes();
        this.bytesKnown = c.getBytesKnown();
        this.hostCall = c.getHostCall();
        this.contextId = c.getContextId();
        this.phase = c.getPhase();
        this.asyncRequested = c.getHostCall() && c.getAsyncRequested();
        this.hostLatencyNs = c.getHostCall() ? c.getApiEndNs() - c.getApiStartNs() : 0L;
        this.gpuDurationNs = form == CostForm.GPU ? c.getGpuEndNs() - c.getGpuStartNs() : CrossingCost.NONE;
        return this;
    }

    /**
     * @param costNs {@code done - ready}, or {@link CrossingCost#NONE} when the crossing is not charged
     * @param asyncBlocked whether an async call held its thread (false for other calls)
     */
    CostSample charge(long costNs, long readyNs, long doneNs, boolean asyncBlocked) {
        this.costNs = costNs;
        this.readyNs = readyNs;
        this.doneNs = doneNs;
        this.asyncBlocked = asyncBlocked;
        return this;
    }

    public int gpuIndex() {
        return gpuIndex;
    }

    public Direction direction() {
        return direction;
    }

    public HostMemoryKind hostMemory() {
        return hostMemory;
    }

    public CostForm form() {
        return form;
    }

    public long bytes() {
        return bytes;
    }

    /** False when the trace did not say how many bytes moved: charged, but left out of size-based figures. */
    public boolean bytesKnown() {
        return bytesKnown;
    }

    /** False for a copy seen only on the GPU: counted with its bytes, not charged. */
    public boolean hostCall() {
        return hostCall;
    }

    public boolean charged() {
        return costNs != CrossingCost.NONE;
    }

    /** {@code done - ready} in nanoseconds; only when {@link #charged()}. */
    public long costNs() {
        return costNs;
    }

    public boolean hasGpuDuration() {
        return gpuDurationNs != CrossingCost.NONE;
    }

    /** Only when {@link #hasGpuDuration()}. */
    public long gpuDurationNs() {
        return gpuDurationNs;
    }

    public boolean asyncRequested() {
        return asyncRequested;
    }

    /** Whether an async call held its thread until its copy was done (DESIGN 4.2). */
    public boolean asyncBlocked() {
        return asyncBlocked;
    }

    /** {@code api_end - api_start} of the host call. */
    public long hostLatencyNs() {
        return hostLatencyNs;
    }

    public long contextId() {
        return contextId;
    }

    /** The serving phase, or null when unknown. */
    public Phase phase() {
        return phase;
    }

    public long readyNs() {
        return readyNs;
    }

    public long doneNs() {
        return doneNs;
    }
}
