package io.bridgewatch.collector.trace;

/**
 * Machine facts a trace carries (empty strings where it carries none).
 *
 * @param gpuSku the GPU's name, e.g. {@code NVIDIA H200}
 * @param gpuUuid the GPU's UUID where the format records it (Nsight does, Kineto does not)
 * @param cudaVersion the CUDA driver API version the profiler saw, e.g. {@code 13.0}
 * @param host the host name where the format records it
 */
public record TraceFacts(String gpuSku, String gpuUuid, String cudaVersion, String host) {
    public static final TraceFacts NONE = new TraceFacts("", "", "", "");

    /** Kineto and CUPTI write the CUDA version as an integer: 13000 is 13.0, 12080 is 12.8. */
    static String cudaVersion(long encoded) {
        return encoded <= 0 ? "" : (encoded / 1000) + "." + (encoded % 1000) / 10;
    }
}
