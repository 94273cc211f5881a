package io.bridgewatch.simulator;

import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;

/**
 * How long a copy occupies the bridge and whom it blocks, with or without confidential computing.
 *
 * <p>Reference: a fixed toll plus bytes over bandwidth; H2D and D2H have their own copy engines, so they overlap;
 * async copies from pinned memory return at once, other copies block the caller until done. Confidential: every
 * crossing is staged through an encrypted bounce buffer, so it pays the CC toll at a fraction of the bandwidth,
 * pageable memory pays the toll once per staging chunk, all copies of one context share one lane (no stream
 * concurrency), and every copy blocks its caller until done, async or not.
 */
public final class BridgeModel {
    private final boolean confidential;
    private final BridgeParameters parameters;
    private final double tollFactor;

    public BridgeModel(boolean confidential, BridgeParameters parameters) {
        this(confidential, parameters, 1.0);
    }

    private BridgeModel(boolean confidential, BridgeParameters parameters, double tollFactor) {
        this.confidential = confidential;
        this.parameters = parameters;
        this.tollFactor = tollFactor;
    }

    /** The same bridge with every toll multiplied by {@code factor} (a driver update, see {@link TollChange}). */
    public BridgeModel withTollFactor(double factor) {
        return new BridgeModel(confidential, parameters, tollFactor * factor);
    }

    public boolean confidential() {
        return confidential;
    }

    /** Time the copy occupies its lane, from start to done, in nanoseconds. */
    public double durationNs(Direction direction, HostMemoryKind memory, long bytes) {
        BridgeParameters.Path path = referencePath(direction, memory);
        if (!confidential) {
            return path.toll() * tollFactor + bytes / path.bandwidth() * 1e9;
        }
        BridgeParameters.Confidential cc = parameters.confidential();
        long crossings = memory == HostMemoryKind.PAGEABLE
                ? Math.max(1, (bytes + cc.pageableStagingChunk() - 1) / cc.pageableStagingChunk())
                : 1;
        return crossings * cc.toll() * tollFactor + bytes / (path.bandwidth() * ratio(direction)) * 1e9;
    }

    /** The true fixed cost of one crossing on this path, in seconds (simulator ground truth). */
    public double tollSeconds(Direction direction, HostMemoryKind memory) {
        return (confidential ? parameters.confidential().toll() : referencePath(direction, memory).toll()) * tollFactor
                / 1e9;
    }

    /** The true bandwidth of this path in bytes per second (simulator ground truth; pinned memory). */
    public double bandwidthBytesPerSecond(Direction direction, HostMemoryKind memory) {
        double reference = referencePath(direction, memory).bandwidth();
        return confidential ? reference * ratio(direction) : reference;
    }

    /** Whether the issuing host thread waits until the copy is done. */
    public boolean blocksIssuer(boolean asyncRequested, HostMemoryKind memory) {
        return confidential || !asyncRequested || memory != HostMemoryKind.PINNED;
    }

    /**
     * The lane a copy queues on, as a key: one per context under CC (the context's id), one per direction (copy
     * engine) otherwise (negative: -1 - the direction's ordinal). A model is one or the other, so keys never mix.
     */
    public long laneOf(long contextId, Direction direction) {
        return confidential ? contextId : -1L - direction.ordinal();
    }

    private double ratio(Direction direction) {
        return direction == Direction.D2H
                ? parameters.confidential().d2hBandwidthRatio()
                : parameters.confidential().h2dBandwidthRatio();
    }

    private BridgeParameters.Path referencePath(Direction direction, HostMemoryKind memory) {
        BridgeParameters.Reference ref = parameters.reference();
        boolean pageable = memory == HostMemoryKind.PAGEABLE;
        if (direction == Direction.D2H) {
            return pageable ? ref.d2hPageable() : ref.d2hPinned();
        }
        return pageable ? ref.h2dPageable() : ref.h2dPinned();
    }
}
