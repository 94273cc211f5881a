package io.bridgewatch.collector.input;

import java.util.Map;

/**
 * Machine facts a trace carries (empty strings where it carries none).
 *
 * @param gpuSku the GPU's name, e.g. {@code NVIDIA H200}
 * @param gpuUuid the GPU's UUID where the format records it (Nsight and the agent do, Kineto does not)
 * @param cudaVersion the CUDA driver API version the profiler saw, e.g. {@code 13.0}
 * @param host the host name where the format records it
 * @param driverVersion the NVIDIA driver version (the agent reads it from NVML)
 * @param ccMode the confidential-computing mode ({@code ON}, {@code DEVTOOLS}, {@code OFF}) where known
 * @param labels other facts worth keeping on the node (the agent's mode, CUPTI's state, dropped records)
 */
public record TraceFacts(String gpuSku, String gpuUuid, String cudaVersion, String host, String driverVersion,
        String ccMode, Map<String, String> labels) {
    public static final TraceFacts NONE = new TraceFacts("", "", "", "");

    public TraceFacts(String gpuSku, String gpuUuid, String cudaVersion, String host) {
        this(gpuSku, gpuUuid, cudaVersion, host, "", "", Map.of());
    }

    public TraceFacts {
        labels = Map.copyOf(labels);
    }

    /** Kineto and CUPTI write the CUDA version as an integer: 13000 is 13.0, 12080 is 12.8. */
    public static String cudaVersion(long encoded) {
        return encoded <= 0 ? "" : (encoded / 1000) + "." + (encoded % 1000) / 10;
    }
}
