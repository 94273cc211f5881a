/*
 * The driver entry points the agent wraps, one row per ABI: cuGetProcAddress hands out a symbol by (name, CUDA
 * version), and a name has had several signatures (cuMemcpyHtoD took 32-bit pointers before CUDA 3.2,
 * cuCtxSynchronize takes a context from CUDA 13.0, cuMemcpyBatchAsync lost its failIdx in 13.0). Each row is the
 * signature cudaTypedefs.h declares as PFN_<name>_v<since>, with the names libcuda exports it under: the legacy
 * default-stream one and the per-thread default-stream one (_ptds/_ptsz), where there is one.
 *
 * A lookup resolves to the newest row whose `since` is not above the version asked for, as the driver does. Rows of
 * the BW_PASSED_ABIS list are known signatures the agent deliberately does not wrap (the 32-bit CUDA 2.x ABIs): a
 * lookup that lands there, or on no row at all, gets the real function untouched, never a wrapper of another ABI.
 * Pure: no CUDA, tested by tests/test_abi.c.
 */
#ifndef BW_ABI_H
#define BW_ABI_H

/* The newest CUDA version whose headers these tables were written from. A lookup above it may meet an ABI
 * introduced since, so the caller wraps only what it can prove is the same function (see bw_lookup.c). */
#define BW_ABI_NEWEST_KNOWN 13000

/* X(id, name, since, exported legacy symbol, exported per-thread symbol or NULL) */
#define BW_WRAPPED_ABIS(X)                                                                                      \
    X(memcpy, "cuMemcpy", 4000, "cuMemcpy", "cuMemcpy_ptds")                                                    \
    X(memcpy_async, "cuMemcpyAsync", 4000, "cuMemcpyAsync", "cuMemcpyAsync_ptsz")                               \
    X(htod, "cuMemcpyHtoD", 3020, "cuMemcpyHtoD_v2", "cuMemcpyHtoD_v2_ptds")                                    \
    X(htod_async, "cuMemcpyHtoDAsync", 3020, "cuMemcpyHtoDAsync_v2", "cuMemcpyHtoDAsync_v2_ptsz")               \
    X(dtoh, "cuMemcpyDtoH", 3020, "cuMemcpyDtoH_v2", "cuMemcpyDtoH_v2_ptds")                                    \
    X(dtoh_async, "cuMemcpyDtoHAsync", 3020, "cuMemcpyDtoHAsync_v2", "cuMemcpyDtoHAsync_v2_ptsz")               \
    X(dtod, "cuMemcpyDtoD", 3020, "cuMemcpyDtoD_v2", "cuMemcpyDtoD_v2_ptds")                                    \
    X(dtod_async, "cuMemcpyDtoDAsync", 3020, "cuMemcpyDtoDAsync_v2", "cuMemcpyDtoDAsync_v2_ptsz")               \
    X(htoa, "cuMemcpyHtoA", 3020, "cuMemcpyHtoA_v2", "cuMemcpyHtoA_v2_ptds")                                    \
    X(htoa_async, "cuMemcpyHtoAAsync", 3020, "cuMemcpyHtoAAsync_v2", "cuMemcpyHtoAAsync_v2_ptsz")               \
    X(atoh, "cuMemcpyAtoH", 3020, "cuMemcpyAtoH_v2", "cuMemcpyAtoH_v2_ptds")                                    \
    X(atoh_async, "cuMemcpyAtoHAsync", 3020, "cuMemcpyAtoHAsync_v2", "cuMemcpyAtoHAsync_v2_ptsz")               \
    X(peer, "cuMemcpyPeer", 4000, "cuMemcpyPeer", "cuMemcpyPeer_ptds")                                          \
    X(peer_async, "cuMemcpyPeerAsync", 4000, "cuMemcpyPeerAsync", "cuMemcpyPeerAsync_ptsz")                     \
    X(copy2d, "cuMemcpy2D", 3020, "cuMemcpy2D_v2", "cuMemcpy2D_v2_ptds")                                        \
    X(copy2d_unaligned, "cuMemcpy2DUnaligned", 3020, "cuMemcpy2DUnaligned_v2", "cuMemcpy2DUnaligned_v2_ptds")   \
    X(copy2d_async, "cuMemcpy2DAsync", 3020, "cuMemcpy2DAsync_v2", "cuMemcpy2DAsync_v2_ptsz")                   \
    X(copy3d, "cuMemcpy3D", 3020, "cuMemcpy3D_v2", "cuMemcpy3D_v2_ptds")                                        \
    X(copy3d_async, "cuMemcpy3DAsync", 3020, "cuMemcpy3DAsync_v2", "cuMemcpy3DAsync_v2_ptsz")                   \
    X(copy3d_peer, "cuMemcpy3DPeer", 4000, "cuMemcpy3DPeer", "cuMemcpy3DPeer_ptds")                             \
    X(copy3d_peer_async, "cuMemcpy3DPeerAsync", 4000, "cuMemcpy3DPeerAsync", "cuMemcpy3DPeerAsync_ptsz")        \
    X(batch_v12080, "cuMemcpyBatchAsync", 12080, "cuMemcpyBatchAsync", "cuMemcpyBatchAsync_ptsz")               \
    X(batch_v13000, "cuMemcpyBatchAsync", 13000, "cuMemcpyBatchAsync_v2", "cuMemcpyBatchAsync_v2_ptsz")         \
    X(batch3d_v12080, "cuMemcpy3DBatchAsync", 12080, "cuMemcpy3DBatchAsync", "cuMemcpy3DBatchAsync_ptsz")       \
    X(batch3d_v13000, "cuMemcpy3DBatchAsync", 13000, "cuMemcpy3DBatchAsync_v2", "cuMemcpy3DBatchAsync_v2_ptsz") \
    X(memset_d8, "cuMemsetD8", 3020, "cuMemsetD8_v2", "cuMemsetD8_v2_ptds")                                     \
    X(memset_d8_async, "cuMemsetD8Async", 3020, "cuMemsetD8Async", "cuMemsetD8Async_ptsz")                      \
    X(memset_d16, "cuMemsetD16", 3020, "cuMemsetD16_v2", "cuMemsetD16_v2_ptds")                                 \
    X(memset_d16_async, "cuMemsetD16Async", 3020, "cuMemsetD16Async", "cuMemsetD16Async_ptsz")                  \
    X(memset_d32, "cuMemsetD32", 3020, "cuMemsetD32_v2", "cuMemsetD32_v2_ptds")                                 \
    X(memset_d32_async, "cuMemsetD32Async", 3020, "cuMemsetD32Async", "cuMemsetD32Async_ptsz")                  \
    X(alloc, "cuMemAlloc", 3020, "cuMemAlloc_v2", NULL)                                                         \
    X(alloc_host, "cuMemAllocHost", 3020, "cuMemAllocHost_v2", NULL)                                            \
    X(host_alloc, "cuMemHostAlloc", 2020, "cuMemHostAlloc", NULL)                                               \
    X(alloc_async, "cuMemAllocAsync", 11020, "cuMemAllocAsync", "cuMemAllocAsync_ptsz")                         \
    X(alloc_managed, "cuMemAllocManaged", 6000, "cuMemAllocManaged", NULL)                                      \
    X(free, "cuMemFree", 3020, "cuMemFree_v2", NULL)                                                            \
    X(free_host, "cuMemFreeHost", 2000, "cuMemFreeHost", NULL)                                                  \
    X(host_register, "cuMemHostRegister", 6050, "cuMemHostRegister_v2", NULL)                                   \
    X(host_unregister, "cuMemHostUnregister", 4000, "cuMemHostUnregister", NULL)                                \
    X(stream_sync, "cuStreamSynchronize", 2000, "cuStreamSynchronize", "cuStreamSynchronize_ptsz")              \
    X(event_sync, "cuEventSynchronize", 2000, "cuEventSynchronize", NULL)                                       \
    X(ctx_sync_v2000, "cuCtxSynchronize", 2000, "cuCtxSynchronize", NULL)                                       \
    X(ctx_sync_v13000, "cuCtxSynchronize", 13000, "cuCtxSynchronize_v2", NULL)                                  \
    X(event_record, "cuEventRecord", 2000, "cuEventRecord", "cuEventRecord_ptsz")                               \
    X(event_record_flags, "cuEventRecordWithFlags", 11010, "cuEventRecordWithFlags",                            \
      "cuEventRecordWithFlags_ptsz")                                                                            \
    X(launch, "cuLaunchKernel", 4000, "cuLaunchKernel", "cuLaunchKernel_ptsz")                                  \
    X(launch_ex, "cuLaunchKernelEx", 11060, "cuLaunchKernelEx", "cuLaunchKernelEx_ptsz")                        \
    X(graph_launch, "cuGraphLaunch", 10000, "cuGraphLaunch", "cuGraphLaunch_ptsz")

/* The CUDA 2.x signatures of the names above (32-bit device pointers and sizes): known, passed through. */
#define BW_PASSED_ABIS(X)                                                                                       \
    X("cuMemcpyHtoD", 2000, "cuMemcpyHtoD") X("cuMemcpyHtoDAsync", 2000, "cuMemcpyHtoDAsync")                   \
    X("cuMemcpyDtoH", 2000, "cuMemcpyDtoH") X("cuMemcpyDtoHAsync", 2000, "cuMemcpyDtoHAsync")                   \
    X("cuMemcpyDtoD", 2000, "cuMemcpyDtoD") X("cuMemcpyDtoDAsync", 3000, "cuMemcpyDtoDAsync")                   \
    X("cuMemcpyHtoA", 2000, "cuMemcpyHtoA") X("cuMemcpyHtoAAsync", 2000, "cuMemcpyHtoAAsync")                   \
    X("cuMemcpyAtoH", 2000, "cuMemcpyAtoH") X("cuMemcpyAtoHAsync", 2000, "cuMemcpyAtoHAsync")                   \
    X("cuMemcpy2D", 2000, "cuMemcpy2D") X("cuMemcpy2DUnaligned", 2000, "cuMemcpy2DUnaligned")                   \
    X("cuMemcpy2DAsync", 2000, "cuMemcpy2DAsync") X("cuMemcpy3D", 2000, "cuMemcpy3D")                           \
    X("cuMemcpy3DAsync", 2000, "cuMemcpy3DAsync") X("cuMemsetD8", 2000, "cuMemsetD8")                           \
    X("cuMemsetD16", 2000, "cuMemsetD16") X("cuMemsetD32", 2000, "cuMemsetD32")                                 \
    X("cuMemAlloc", 2000, "cuMemAlloc") X("cuMemAllocHost", 2000, "cuMemAllocHost")                             \
    X("cuMemFree", 2000, "cuMemFree") X("cuMemHostRegister", 4000, "cuMemHostRegister")

#define BW_ABI_ENUM(id, name, since, legacy, per_thread) BW_ABI_##id,
enum bw_abi_id { BW_WRAPPED_ABIS(BW_ABI_ENUM) BW_ABI_COUNT };
#undef BW_ABI_ENUM

/* What a lookup resolves to, besides a wrapped row's id. */
#define BW_ABI_PASSED (-1)   /* a known signature the agent does not wrap */
#define BW_ABI_UNWATCHED (-2) /* a name the agent does not watch, or a version before its first signature */

/* The exported symbol of the row (wrapped or passed) that (name, cuda_version, stream variant) resolves to, or NULL:
 * what the driver hands out (the test driver resolves its lookups with it). */
const char *bw_abi_export_for_version(const char *name, int cuda_version, int per_thread);

/* The row cuGetProcAddress(name, cuda_version) resolves to. */
int bw_abi_for_version(const char *name, int cuda_version);

/* The row of an exported symbol ("cuMemcpyHtoD_v2_ptds"), with whether it is the per-thread one. */
int bw_abi_for_export(const char *symbol, int *per_thread);

/* A wrapped row's exported symbol for the given stream variant (the legacy one where it has no per-thread one). */
const char *bw_abi_export(int id, int per_thread);

/* A wrapped row's name and `since` version (for messages and tests). */
const char *bw_abi_name(int id);
int bw_abi_since(int id);

#endif
