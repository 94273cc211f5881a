package io.bridgewatch.simulator;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * The bridge the simulator models: the reference (non-CC) copy paths, measured on an NVIDIA H200
 * ({@code shared/data/h200-copy-bench.json}), and how confidential computing changes them (DESIGN section 1).
 */
public record BridgeParameters(Reference reference, Confidential confidential) {

    public static final BridgeParameters DEFAULTS = new BridgeParameters(null, null);

    public BridgeParameters {
        reference = reference == null ? Reference.H200 : reference;
        confidential = confidential == null ? Confidential.DEFAULTS : confidential;
    }

    /** One copy path: a fixed cost per crossing plus bytes over bandwidth. */
    public record Path(
            @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long toll,
            @JsonDeserialize(using = UnitDeserializers.BytesPerSecond.class) Double bandwidth) {
        public Path {
            if (toll == null || toll < 0) {
                throw new IllegalArgumentException("toll must be given and not negative, e.g. 15us");
            }
            if (bandwidth == null || bandwidth <= 0) {
                throw new IllegalArgumentException("bandwidth must be given and positive, e.g. 55GB/s");
            }
        }
    }

    /**
     * Reference copy paths. Defaults: the H200 copy microbenchmark's synchronous p50 latencies, fitted per path
     * (intercept = toll, inverse slope = bandwidth); {@code BridgeDefaultsTest} re-fits the data and checks them.
     */
    public record Reference(Path h2dPinned, Path d2hPinned, Path h2dPageable, Path d2hPageable) {
        public static final Reference H200 = new Reference(
                new Path(15_000L, 55.0e9), new Path(15_000L, 55.0e9),
                new Path(16_000L, 6.5e9), new Path(17_000L, 12.5e9));

        public Reference {
            h2dPinned = h2dPinned == null ? H200.h2dPinned : h2dPinned;
            d2hPinned = d2hPinned == null ? H200.d2hPinned : d2hPinned;
            h2dPageable = h2dPageable == null ? H200.h2dPageable : h2dPageable;
            d2hPageable = d2hPageable == null ? H200.d2hPageable : d2hPageable;
        }
    }

    /**
     * What GPU confidential computing does to the bridge. Toll and bandwidth ratios are the paper's figures
     * (DESIGN section 1). Pageable memory is staged through the bounce buffer chunk by chunk, each chunk paying
     * the toll; the 64 KiB default chunk is a model assumption, not a measurement.
     */
    public record Confidential(
            @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long toll,
            Double h2dBandwidthRatio,
            Double d2hBandwidthRatio,
            @JsonDeserialize(using = UnitDeserializers.Bytes.class) Long pageableStagingChunk) {
        public static final Confidential DEFAULTS = new Confidential(330_000L, 0.203, 0.211, 64L * 1024);

        public Confidential {
            toll = toll == null ? 330_000L : toll;
            h2dBandwidthRatio = h2dBandwidthRatio == null ? 0.203 : h2dBandwidthRatio;
            d2hBandwidthRatio = d2hBandwidthRatio == null ? 0.211 : d2hBandwidthRatio;
            pageableStagingChunk = pageableStagingChunk == null ? 64L * 1024 : pageableStagingChunk;
            if (toll < 0 || h2dBandwidthRatio <= 0 || d2hBandwidthRatio <= 0 || pageableStagingChunk <= 0) {
                throw new IllegalArgumentException("confidential bridge values must be positive");
            }
        }
    }
}
