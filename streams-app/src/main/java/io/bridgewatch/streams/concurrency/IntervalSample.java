package io.bridgewatch.streams.concurrency;

/**
 * One copy or kernel interval, or the part of it inside one node window, for concurrency (DESIGN 4.3). Filled anew
 * for each event ({@link WorkIntervals} keeps a few and reuses them): the concurrency window copies what it needs, so
 * an event's intervals cost no allocation.
 */
public final class IntervalSample {
    private int gpuIndex;
    private long contextId;
    private long streamId;
    private boolean kernel;
    private String form;
    private long startNs;
    private long endNs;
    private long copyLengthNs;
    private long recordTimeNs;

    /**
     * @param form {@code GPU} (a GPU interval) or {@code CPU_ONLY} (a host interval)
     * @param copyLengthNs the whole copy's length (0 for a kernel and for the later pieces of a split copy, so that
     *     each copy counts once)
     * @param recordTimeNs host API entry of the event the interval came from: intervals of later events start after
     */
    IntervalSample set(int gpuIndex, long contextId, long streamId, boolean kernel, String form, long startNs,
            long endNs, long copyLengthNs, long recordTimeNs) {
        this.gpuIndex = gpuIndex;
        this.contextId = contextId;
        this.streamId = streamId;
        this.kernel = kernel;
        this.form = form;
        this.startNs = startNs;
        this.endNs = endNs;
        this.copyLengthNs = copyLengthNs;
        this.recordTimeNs = recordTimeNs;
        return this;
    }

    public int getGpuIndex() {
        return gpuIndex;
    }

    public long getContextId() {
        return contextId;
    }

    public long getStreamId() {
        return streamId;
    }

    public boolean getKernel() {
        return kernel;
    }

    public String getForm() {
        return form;
    }

    public long getStartNs() {
        return startNs;
    }

    public long getEndNs() {
        return endNs;
    }

    public long getCopyLengthNs() {
        return copyLengthNs;
    }

    public long getRecordTimeNs() {
        return recordTimeNs;
    }
}
