package io.bridgewatch.collector.agent;

import java.util.HashMap;
import java.util.Map;

/**
 * The calls and activities the native agent records, by the id it writes ({@code enum bw_api} in
 * {@code collector/native/include/bw_record.h}; the two tables must agree).
 */
public enum AgentApi {
    MEMCPY(1, "cuMemcpy", Category.COPY), MEMCPY_ASYNC(2, "cuMemcpyAsync", Category.COPY),
    MEMCPY_HTOD(3, "cuMemcpyHtoD", Category.COPY), MEMCPY_HTOD_ASYNC(4, "cuMemcpyHtoDAsync", Category.COPY),
    MEMCPY_DTOH(5, "cuMemcpyDtoH", Category.COPY), MEMCPY_DTOH_ASYNC(6, "cuMemcpyDtoHAsync", Category.COPY),
    MEMCPY_DTOD(7, "cuMemcpyDtoD", Category.COPY), MEMCPY_DTOD_ASYNC(8, "cuMemcpyDtoDAsync", Category.COPY),
    MEMCPY_PEER(9, "cuMemcpyPeer", Category.COPY), MEMCPY_PEER_ASYNC(10, "cuMemcpyPeerAsync", Category.COPY),
    MEMCPY_2D(11, "cuMemcpy2D", Category.COPY), MEMCPY_2D_ASYNC(12, "cuMemcpy2DAsync", Category.COPY),
    MEMCPY_3D(13, "cuMemcpy3D", Category.COPY), MEMCPY_3D_ASYNC(14, "cuMemcpy3DAsync", Category.COPY),
    MEMCPY_BATCH_ASYNC(15, "cuMemcpyBatchAsync", Category.COPY),
    CUDA_MEMCPY(16, "cudaMemcpy", Category.COPY), CUDA_MEMCPY_ASYNC(17, "cudaMemcpyAsync", Category.COPY),
    CUDA_MEMSET(18, "cudaMemset", Category.MEMSET), CUDA_MEMSET_ASYNC(19, "cudaMemsetAsync", Category.MEMSET),
    MEMCPY_HTOA(70, "cuMemcpyHtoA", Category.COPY), MEMCPY_HTOA_ASYNC(71, "cuMemcpyHtoAAsync", Category.COPY),
    MEMCPY_ATOH(72, "cuMemcpyAtoH", Category.COPY), MEMCPY_ATOH_ASYNC(73, "cuMemcpyAtoHAsync", Category.COPY),
    MEMCPY_3D_PEER(74, "cuMemcpy3DPeer", Category.COPY),
    MEMCPY_3D_PEER_ASYNC(75, "cuMemcpy3DPeerAsync", Category.COPY),
    MEMCPY_3D_BATCH_ASYNC(76, "cuMemcpy3DBatchAsync", Category.COPY),
    MEMSET_D8(20, "cuMemsetD8", Category.MEMSET), MEMSET_D8_ASYNC(21, "cuMemsetD8Async", Category.MEMSET),
    MEMSET_D16(22, "cuMemsetD16", Category.MEMSET), MEMSET_D16_ASYNC(23, "cuMemsetD16Async", Category.MEMSET),
    MEMSET_D32(24, "cuMemsetD32", Category.MEMSET), MEMSET_D32_ASYNC(25, "cuMemsetD32Async", Category.MEMSET),
    MEM_ALLOC(30, "cuMemAlloc", Category.ALLOCATION), MEM_ALLOC_HOST(31, "cuMemAllocHost", Category.ALLOCATION),
    MEM_HOST_ALLOC(32, "cuMemHostAlloc", Category.ALLOCATION),
    MEM_ALLOC_ASYNC(33, "cuMemAllocAsync", Category.ALLOCATION), MEM_FREE(34, "cuMemFree", Category.ALLOCATION),
    MEM_FREE_HOST(35, "cuMemFreeHost", Category.ALLOCATION),
    MEM_ALLOC_MANAGED(36, "cuMemAllocManaged", Category.ALLOCATION),
    MEM_HOST_REGISTER(40, "cuMemHostRegister", Category.HOST_REGISTRATION),
    MEM_HOST_UNREGISTER(41, "cuMemHostUnregister", Category.HOST_REGISTRATION),
    STREAM_SYNCHRONIZE(50, "cuStreamSynchronize", Category.SYNCHRONIZATION),
    EVENT_SYNCHRONIZE(51, "cuEventSynchronize", Category.SYNCHRONIZATION),
    CTX_SYNCHRONIZE(52, "cuCtxSynchronize", Category.SYNCHRONIZATION),
    /** Not a wait, but what an event synchronization waits for: the stream's work so far. */
    EVENT_RECORD(53, "cuEventRecord", Category.SYNCHRONIZATION),
    LAUNCH_KERNEL(60, "cuLaunchKernel", Category.LAUNCH), LAUNCH_KERNEL_EX(61, "cuLaunchKernelEx", Category.LAUNCH),
    GRAPH_LAUNCH(62, "cuGraphLaunch", Category.LAUNCH), CUDA_LAUNCH_KERNEL(63, "cudaLaunchKernel", Category.LAUNCH),
    CUDA_GRAPH_LAUNCH(64, "cudaGraphLaunch", Category.LAUNCH),
    GPU_MEMCPY(100, "gpu memcpy", Category.GPU_COPY), GPU_MEMSET(101, "gpu memset", Category.GPU_MEMSET),
    GPU_KERNEL(102, "gpu kernel", Category.GPU_KERNEL);

    /** What a call or activity is, for turning it into events. */
    public enum Category {
        COPY, MEMSET, ALLOCATION, HOST_REGISTRATION, SYNCHRONIZATION, LAUNCH, GPU_COPY, GPU_MEMSET, GPU_KERNEL
    }

    private static final Map<Integer, AgentApi> BY_ID = new HashMap<>();

    static {
        for (AgentApi api : values()) {
            BY_ID.put(api.id, api);
        }
    }

    private final int id;
    private final String callName;
    private final Category category;

    AgentApi(int id, String callName, Category category) {
        this.id = id;
        this.callName = callName;
        this.category = category;
    }

    /** The API by the agent's id, or null for an id this collector does not know (a newer agent). */
    public static AgentApi of(int id) {
        return BY_ID.get(id);
    }

    /** A CUDA graph launch: one call for every copy and kernel of its graph. */
    public boolean launchesGraph() {
        return this == GRAPH_LAUNCH || this == CUDA_GRAPH_LAUNCH;
    }

    public String callName() {
        return callName;
    }

    public Category category() {
        return category;
    }
}
