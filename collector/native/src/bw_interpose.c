/*
 * API interposition (LD_PRELOAD), the production path under CC where CUPTI tracing is refused: the driver entry
 * points' wrappers, one per ABI row of bw_abi.h, each calling the real function of exactly that signature. A
 * wrapper times the real call on the host (CLOCK_REALTIME), then describes it: bytes, direction, host memory kind
 * (pointer attributes, cached per page), context, stream, return code. bw_lookup.c hands the wrappers out;
 * bw_runtime.c wraps the runtime's entry points, whose driver calls add their details to the runtime call's record.
 */
#define _GNU_SOURCE
#include "bw_interpose.h"

#include <cudaTypedefs.h>
#include <dlfcn.h>
#include <string.h>

#include "bw_abi.h"

/* ---- driver functions the agent calls itself (never wrapped) ---- */

typedef CUresult (*ctx_get_current_t)(CUcontext *);
typedef CUresult (*ctx_get_device_t)(CUdevice *);
typedef CUresult (*pointer_attribute_t)(void *, CUpointer_attribute, CUdeviceptr);
static ctx_get_current_t ctx_get_current;
static ctx_get_device_t ctx_get_device;
static pointer_attribute_t pointer_attribute;

static void resolve_own_driver_calls(void) {
    if (__atomic_load_n(&pointer_attribute, __ATOMIC_ACQUIRE) != NULL) {
        return;
    }
    void *cuda = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (cuda == NULL) {
        return;
    }
    ctx_get_current = (ctx_get_current_t) bw_real_dlsym(cuda, "cuCtxGetCurrent");
    ctx_get_device = (ctx_get_device_t) bw_real_dlsym(cuda, "cuCtxGetDevice");
    __atomic_store_n(&pointer_attribute, (pointer_attribute_t) bw_real_dlsym(cuda, "cuPointerGetAttribute"),
                     __ATOMIC_RELEASE);
    dlclose(cuda); /* RTLD_NOLOAD took a reference; the library stays loaded by whoever loaded it */
}

/* ---- host memory kind of a pointer, cached per 4 KiB page ---- */

#define CACHE_SLOTS 4096
/* An entry packs page number (bits 63..28), generation (27..4) and kind (3..0) so it is read and written whole. */
static uint64_t memory_cache[CACHE_SLOTS];
static uint64_t memory_generation = 1;

/* Host memory changed kind (pinned, registered, freed): forget what the cache knows. */
static void forget_memory_kinds(void) {
    __atomic_add_fetch(&memory_generation, 1, __ATOMIC_RELAXED);
}

static uint8_t query_memory_kind(const void *pointer) {
    resolve_own_driver_calls();
    pointer_attribute_t attribute = __atomic_load_n(&pointer_attribute, __ATOMIC_ACQUIRE);
    if (attribute == NULL) {
        return BW_MEM_UNKNOWN;
    }
    unsigned int type = 0;
    if (attribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, (CUdeviceptr) pointer) != CUDA_SUCCESS) {
        return BW_MEM_PAGEABLE; /* host memory the driver does not know: plain pageable memory */
    }
    unsigned int managed = 0;
    if (attribute(&managed, CU_POINTER_ATTRIBUTE_IS_MANAGED, (CUdeviceptr) pointer) == CUDA_SUCCESS && managed) {
        return BW_MEM_MANAGED;
    }
    return type == CU_MEMORYTYPE_HOST ? BW_MEM_PINNED : BW_MEM_DEVICE;
}

uint8_t bw_memory_kind(const void *pointer) {
    uint64_t page = (uint64_t) (uintptr_t) pointer >> 12;
    uint64_t generation = __atomic_load_n(&memory_generation, __ATOMIC_RELAXED) & 0xFFFFFF;
    uint64_t *slot = &memory_cache[page % CACHE_SLOTS];
    uint64_t entry = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if (entry != 0 && (entry >> 28) == (page & 0xFFFFFFFFFull) && ((entry >> 4) & 0xFFFFFF) == generation) {
        return (uint8_t) (entry & 0xF);
    }
    uint8_t kind = query_memory_kind(pointer);
    __atomic_store_n(slot, ((page & 0xFFFFFFFFFull) << 28) | (generation << 4) | kind, __ATOMIC_RELAXED);
    return kind;
}

static int is_host(uint8_t kind) {
    return kind == BW_MEM_PAGEABLE || kind == BW_MEM_PINNED;
}

/* Direction and host memory kind of a copy between two unified-address pointers. */
void bw_classify(const void *dst, const void *src, uint8_t *direction, uint8_t *memory) {
    uint8_t d = bw_memory_kind(dst);
    uint8_t s = bw_memory_kind(src);
    if (is_host(s) && !is_host(d)) {
        *direction = BW_DIR_H2D;
        *memory = s;
    } else if (!is_host(s) && is_host(d)) {
        *direction = BW_DIR_D2H;
        *memory = d;
    } else if (!is_host(s) && !is_host(d)) {
        *direction = BW_DIR_D2D;
        *memory = s == BW_MEM_MANAGED || d == BW_MEM_MANAGED ? BW_MEM_MANAGED : BW_MEM_DEVICE;
    } else {
        *direction = BW_DIR_UNKNOWN;
        *memory = s;
    }
}

static const void *side_pointer(CUmemorytype type, const void *host, CUdeviceptr device) {
    return type == CU_MEMORYTYPE_HOST ? host : (const void *) (uintptr_t) device;
}

/* Direction and host memory kind of a copy between two described sides (host, device, unified or array memory). */
static void classify_sides(CUmemorytype src_type, const void *src_host, CUdeviceptr src_device, CUmemorytype dst_type,
                           const void *dst_host, CUdeviceptr dst_device, uint8_t *direction, uint8_t *memory) {
    if (src_type == CU_MEMORYTYPE_ARRAY || dst_type == CU_MEMORYTYPE_ARRAY) {
        int from_host = src_type == CU_MEMORYTYPE_HOST;
        int to_host = dst_type == CU_MEMORYTYPE_HOST;
        *direction = from_host ? BW_DIR_H2D : to_host ? BW_DIR_D2H : BW_DIR_D2D;
        *memory = from_host ? bw_memory_kind(src_host) : to_host ? bw_memory_kind(dst_host) : BW_MEM_DEVICE;
        return;
    }
    bw_classify(side_pointer(dst_type, dst_host, dst_device), side_pointer(src_type, src_host, src_device), direction,
                memory);
}

/* ---- recording ---- */

__thread struct bw_runtime_call bw_runtime_call;

struct bw_call bw_enter(int per_thread) {
    if (bw_runtime_call.depth > 0) {
        struct bw_call nested = {bw_runtime_call.correlation, 0, 0, 1, per_thread};
        return nested;
    }
    struct bw_call c = {bw_next_correlation(), 0, bw_cupti_active(), 0, per_thread};
    if (c.cupti) {
        bw_cupti_push_correlation(c.correlation);
    }
    c.start_ns = bw_now_ns();
    return c;
}

/* The device of the thread's last context: a context's device never changes, so it is asked once per context. */
static __thread CUcontext last_context;
static __thread CUdevice last_device = -1;

void bw_fill_context(struct bw_event *e) {
    resolve_own_driver_calls();
    CUcontext context = NULL;
    if (ctx_get_current != NULL && ctx_get_current(&context) == CUDA_SUCCESS && context != NULL
            && context != last_context && ctx_get_device != NULL) {
        CUdevice device = -1;
        if (ctx_get_device(&device) == CUDA_SUCCESS) {
            last_context = context;
            last_device = device;
        }
    }
    e->context = (uint64_t) (uintptr_t) context;
    e->device = context != NULL && context == last_context ? (int32_t) last_device : -1;
}

static void describe_call(struct bw_event *e, struct bw_call c, uint16_t api, CUresult status, CUstream stream,
                          int async) {
    e->api = api;
    e->status = (int32_t) status;
    e->pid = bw_pid();
    e->tid = bw_tid();
    e->flags = (async ? BW_FLAG_ASYNC : 0) | (c.per_thread ? BW_FLAG_PER_THREAD_STREAM : 0);
    e->stream = (uint64_t) (uintptr_t) stream;
    e->correlation = c.correlation;
    e->start_ns = c.start_ns;
}

void bw_leave(struct bw_call c, uint16_t api, CUresult status, uint8_t direction, uint8_t memory, uint64_t bytes,
              CUstream stream, int async) {
    uint64_t end = bw_now_ns();
    if (c.cupti) {
        bw_cupti_pop_correlation();
    }
    struct bw_event e;
    memset(&e, 0, sizeof(e));
    e.direction = direction;
    e.memory = memory;
    e.bytes = bytes;
    if (c.nested) {
        e.status = (int32_t) status;
        e.stream = (uint64_t) (uintptr_t) stream;
        bw_fill_context(&e);
        bw_runtime_call.details = e;
        bw_runtime_call.have_details = 1;
        return;
    }
    describe_call(&e, c, api, status, stream, async);
    e.end_ns = end;
    bw_fill_context(&e);
    bw_emit_event(BW_REC_API_CALL, &e);
}

void bw_leave_launch(struct bw_call c, uint16_t api, CUresult status, CUstream stream, const unsigned int grid[3],
                     const unsigned int block[3]) {
    if (c.nested) {
        return; /* a runtime launch records itself, with its own grid and block */
    }
    uint64_t end = bw_now_ns();
    if (c.cupti) {
        bw_cupti_pop_correlation();
    }
    struct bw_event e;
    memset(&e, 0, sizeof(e));
    describe_call(&e, c, api, status, stream, 1);
    e.end_ns = end;
    for (int i = 0; i < 3; i++) {
        e.grid[i] = grid != NULL ? grid[i] : 0;
        e.block[i] = block != NULL ? block[i] : 0;
    }
    bw_fill_context(&e);
    bw_emit_event(BW_REC_API_CALL, &e);
}

/* ---- the wrappers, one per ABI row ---- */

/* The real function of each row, per stream variant ([0] legacy, [1] per-thread default stream). */
static void *reals[BW_ABI_COUNT][2];

#define REAL(ID, SLOT, PFN) ((PFN) __atomic_load_n(&reals[BW_ABI_##ID][SLOT], __ATOMIC_ACQUIRE))

/* Defines a row's two wrappers, ID_legacy and ID_per_thread, around impl_ID(slot, args...), and proves at compile
 * time that they have exactly the signature NVIDIA's cudaTypedefs.h declares for the row (PFN). */
#define WRAPPERS(ID, PFN, PARAMS, ...)                                                              \
    static CUresult ID##_legacy PARAMS { return impl_##ID(0, __VA_ARGS__); }                        \
    static CUresult ID##_per_thread PARAMS { return impl_##ID(1, __VA_ARGS__); }                    \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&ID##_legacy), PFN),                      \
                   #ID " wraps the signature of " #PFN);

/* Copies whose direction the call names; HOST is the host side's pointer (NULL: device to device or peer). */
#define DIRECTED_COPY(ID, PFN, API, DIRECTION, HOST, BYTES, STREAM, ASYNC, PARAMS, ...)                         \
    static CUresult impl_##ID(int slot, __VA_ARGS__);                                                          \
    WRAPPERS(ID, PFN, PARAMS, ARGS_##ID)                                                                      \
    static CUresult impl_##ID(int slot, __VA_ARGS__) {                                                         \
        struct bw_call c = bw_enter(slot);                                                                     \
        CUresult status = REAL(ID, slot, PFN)(ARGS_##ID);                                                      \
        bw_leave(c, API, status, DIRECTION, HOST == NULL ? BW_MEM_DEVICE : bw_memory_kind(HOST),               \
                 BYTES, STREAM, ASYNC);                                                                        \
        return status;                                                                                         \
    }

#define ARGS_htod dst, src, bytes
DIRECTED_COPY(htod, PFN_cuMemcpyHtoD_v3020, BW_API_MEMCPY_HTOD, BW_DIR_H2D, src, bytes, NULL, 0,
              (CUdeviceptr dst, const void *src, size_t bytes), CUdeviceptr dst, const void *src, size_t bytes)
#define ARGS_htod_async dst, src, bytes, stream
DIRECTED_COPY(htod_async, PFN_cuMemcpyHtoDAsync_v3020, BW_API_MEMCPY_HTOD_ASYNC, BW_DIR_H2D, src, bytes, stream, 1,
              (CUdeviceptr dst, const void *src, size_t bytes, CUstream stream), CUdeviceptr dst, const void *src,
              size_t bytes, CUstream stream)
#define ARGS_dtoh dst, src, bytes
DIRECTED_COPY(dtoh, PFN_cuMemcpyDtoH_v3020, BW_API_MEMCPY_DTOH, BW_DIR_D2H, dst, bytes, NULL, 0,
              (void *dst, CUdeviceptr src, size_t bytes), void *dst, CUdeviceptr src, size_t bytes)
#define ARGS_dtoh_async dst, src, bytes, stream
DIRECTED_COPY(dtoh_async, PFN_cuMemcpyDtoHAsync_v3020, BW_API_MEMCPY_DTOH_ASYNC, BW_DIR_D2H, dst, bytes, stream, 1,
              (void *dst, CUdeviceptr src, size_t bytes, CUstream stream), void *dst, CUdeviceptr src, size_t bytes,
              CUstream stream)
#define ARGS_dtod dst, src, bytes
DIRECTED_COPY(dtod, PFN_cuMemcpyDtoD_v3020, BW_API_MEMCPY_DTOD, BW_DIR_D2D, NULL, bytes, NULL, 0,
              (CUdeviceptr dst, CUdeviceptr src, size_t bytes), CUdeviceptr dst, CUdeviceptr src, size_t bytes)
#define ARGS_dtod_async dst, src, bytes, stream
DIRECTED_COPY(dtod_async, PFN_cuMemcpyDtoDAsync_v3020, BW_API_MEMCPY_DTOD_ASYNC, BW_DIR_D2D, NULL, bytes, stream, 1,
              (CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream), CUdeviceptr dst, CUdeviceptr src,
              size_t bytes, CUstream stream)
#define ARGS_htoa dst, offset, src, bytes
DIRECTED_COPY(htoa, PFN_cuMemcpyHtoA_v3020, BW_API_MEMCPY_HTOA, BW_DIR_H2D, src, bytes, NULL, 0,
              (CUarray dst, size_t offset, const void *src, size_t bytes), CUarray dst, size_t offset,
              const void *src, size_t bytes)
#define ARGS_htoa_async dst, offset, src, bytes, stream
DIRECTED_COPY(htoa_async, PFN_cuMemcpyHtoAAsync_v3020, BW_API_MEMCPY_HTOA_ASYNC, BW_DIR_H2D, src, bytes, stream, 1,
              (CUarray dst, size_t offset, const void *src, size_t bytes, CUstream stream), CUarray dst,
              size_t offset, const void *src, size_t bytes, CUstream stream)
#define ARGS_atoh dst, src, offset, bytes
DIRECTED_COPY(atoh, PFN_cuMemcpyAtoH_v3020, BW_API_MEMCPY_ATOH, BW_DIR_D2H, dst, bytes, NULL, 0,
              (void *dst, CUarray src, size_t offset, size_t bytes), void *dst, CUarray src, size_t offset,
              size_t bytes)
#define ARGS_atoh_async dst, src, offset, bytes, stream
DIRECTED_COPY(atoh_async, PFN_cuMemcpyAtoHAsync_v3020, BW_API_MEMCPY_ATOH_ASYNC, BW_DIR_D2H, dst, bytes, stream, 1,
              (void *dst, CUarray src, size_t offset, size_t bytes, CUstream stream), void *dst, CUarray src,
              size_t offset, size_t bytes, CUstream stream)
#define ARGS_peer dst, dst_ctx, src, src_ctx, bytes
DIRECTED_COPY(peer, PFN_cuMemcpyPeer_v4000, BW_API_MEMCPY_PEER, BW_DIR_P2P, NULL, bytes, NULL, 0,
              (CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src, CUcontext src_ctx, size_t bytes),
              CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src, CUcontext src_ctx, size_t bytes)
#define ARGS_peer_async dst, dst_ctx, src, src_ctx, bytes, stream
DIRECTED_COPY(peer_async, PFN_cuMemcpyPeerAsync_v4000, BW_API_MEMCPY_PEER_ASYNC, BW_DIR_P2P, NULL, bytes, stream, 1,
              (CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src, CUcontext src_ctx, size_t bytes,
               CUstream stream), CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src, CUcontext src_ctx,
              size_t bytes, CUstream stream)

/* Unified-address copies: the pointers say the direction. */
static CUresult impl_memcpy(int slot, CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(memcpy, slot, PFN_cuMemcpy_v4000)(dst, src, bytes);
    uint8_t direction, memory;
    bw_classify((const void *) (uintptr_t) dst, (const void *) (uintptr_t) src, &direction, &memory);
    bw_leave(c, BW_API_MEMCPY, status, direction, memory, bytes, NULL, 0);
    return status;
}
WRAPPERS(memcpy, PFN_cuMemcpy_v4000, (CUdeviceptr dst, CUdeviceptr src, size_t bytes), dst, src, bytes)

static CUresult impl_memcpy_async(int slot, CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(memcpy_async, slot, PFN_cuMemcpyAsync_v4000)(dst, src, bytes, stream);
    uint8_t direction, memory;
    bw_classify((const void *) (uintptr_t) dst, (const void *) (uintptr_t) src, &direction, &memory);
    bw_leave(c, BW_API_MEMCPY_ASYNC, status, direction, memory, bytes, stream, 1);
    return status;
}
WRAPPERS(memcpy_async, PFN_cuMemcpyAsync_v4000, (CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream),
         dst, src, bytes, stream)

/* Descriptor copies: the descriptor's memory types say the direction. */
static void classify_2d(const CUDA_MEMCPY2D *copy, uint8_t *direction, uint8_t *memory) {
    classify_sides(copy->srcMemoryType, copy->srcHost, copy->srcDevice, copy->dstMemoryType, copy->dstHost,
                   copy->dstDevice, direction, memory);
}

static void classify_3d(const CUDA_MEMCPY3D *copy, uint8_t *direction, uint8_t *memory) {
    classify_sides(copy->srcMemoryType, copy->srcHost, copy->srcDevice, copy->dstMemoryType, copy->dstHost,
                   copy->dstDevice, direction, memory);
}

#define DESCRIPTOR_COPY(ID, PFN, API, DESCRIPTOR, CLASSIFY, BYTES, ASYNC, CALL_ARGS)                           \
    static CUresult impl_##ID(int slot, const DESCRIPTOR *copy, CUstream stream) {                             \
        struct bw_call c = bw_enter(slot);                                                                     \
        CUresult status = REAL(ID, slot, PFN) CALL_ARGS;                                                       \
        uint8_t direction = BW_DIR_P2P, memory = BW_MEM_DEVICE;                                                \
        CLASSIFY;                                                                                              \
        bw_leave(c, API, status, direction, memory, BYTES, stream, ASYNC);                                     \
        return status;                                                                                         \
    }

#define AREA_2D ((uint64_t) copy->WidthInBytes * copy->Height)
#define VOLUME_3D ((uint64_t) copy->WidthInBytes * copy->Height * copy->Depth)
DESCRIPTOR_COPY(copy2d, PFN_cuMemcpy2D_v3020, BW_API_MEMCPY_2D, CUDA_MEMCPY2D, classify_2d(copy, &direction, &memory),
                AREA_2D, 0, (copy))
WRAPPERS(copy2d, PFN_cuMemcpy2D_v3020, (const CUDA_MEMCPY2D *copy), copy, NULL)
DESCRIPTOR_COPY(copy2d_unaligned, PFN_cuMemcpy2DUnaligned_v3020, BW_API_MEMCPY_2D, CUDA_MEMCPY2D,
                classify_2d(copy, &direction, &memory), AREA_2D, 0, (copy))
WRAPPERS(copy2d_unaligned, PFN_cuMemcpy2DUnaligned_v3020, (const CUDA_MEMCPY2D *copy), copy, NULL)
DESCRIPTOR_COPY(copy2d_async, PFN_cuMemcpy2DAsync_v3020, BW_API_MEMCPY_2D_ASYNC, CUDA_MEMCPY2D,
                classify_2d(copy, &direction, &memory), AREA_2D, 1, (copy, stream))
WRAPPERS(copy2d_async, PFN_cuMemcpy2DAsync_v3020, (const CUDA_MEMCPY2D *copy, CUstream stream), copy, stream)
DESCRIPTOR_COPY(copy3d, PFN_cuMemcpy3D_v3020, BW_API_MEMCPY_3D, CUDA_MEMCPY3D, classify_3d(copy, &direction, &memory),
                VOLUME_3D, 0, (copy))
WRAPPERS(copy3d, PFN_cuMemcpy3D_v3020, (const CUDA_MEMCPY3D *copy), copy, NULL)
DESCRIPTOR_COPY(copy3d_async, PFN_cuMemcpy3DAsync_v3020, BW_API_MEMCPY_3D_ASYNC, CUDA_MEMCPY3D,
                classify_3d(copy, &direction, &memory), VOLUME_3D, 1, (copy, stream))
WRAPPERS(copy3d_async, PFN_cuMemcpy3DAsync_v3020, (const CUDA_MEMCPY3D *copy, CUstream stream), copy, stream)
/* Peer copies: between two devices' memories, whatever their contexts. */
DESCRIPTOR_COPY(copy3d_peer, PFN_cuMemcpy3DPeer_v4000, BW_API_MEMCPY_3D_PEER, CUDA_MEMCPY3D_PEER, (void) 0,
                VOLUME_3D, 0, (copy))
WRAPPERS(copy3d_peer, PFN_cuMemcpy3DPeer_v4000, (const CUDA_MEMCPY3D_PEER *copy), copy, NULL)
DESCRIPTOR_COPY(copy3d_peer_async, PFN_cuMemcpy3DPeerAsync_v4000, BW_API_MEMCPY_3D_PEER_ASYNC, CUDA_MEMCPY3D_PEER,
                (void) 0, VOLUME_3D, 1, (copy, stream))
WRAPPERS(copy3d_peer_async, PFN_cuMemcpy3DPeerAsync_v4000, (const CUDA_MEMCPY3D_PEER *copy, CUstream stream), copy,
         stream)

/* Batched copies: one record for the batch, its bytes summed, classified by its first copy. The CUDA 12.8
 * signatures carry failIdx, 13.0's do not; each row calls its own. */
static void describe_batch(CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count, uint8_t *direction,
                           uint8_t *memory, uint64_t *bytes) {
    *bytes = 0;
    for (size_t i = 0; i < count; i++) {
        *bytes += sizes[i];
    }
    *direction = BW_DIR_UNKNOWN;
    *memory = BW_MEM_UNKNOWN;
    if (count > 0) {
        bw_classify((const void *) (uintptr_t) dsts[0], (const void *) (uintptr_t) srcs[0], direction, memory);
    }
}

static CUresult impl_batch_v12080(int slot, CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count,
                                  CUmemcpyAttributes *attrs, size_t *attr_idxs, size_t num_attrs, size_t *fail_idx,
                                  CUstream stream) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(batch_v12080, slot, PFN_cuMemcpyBatchAsync_v12080)(dsts, srcs, sizes, count, attrs,
                                                                             attr_idxs, num_attrs, fail_idx, stream);
    uint8_t direction, memory;
    uint64_t bytes;
    describe_batch(dsts, srcs, sizes, count, &direction, &memory, &bytes);
    bw_leave(c, BW_API_MEMCPY_BATCH_ASYNC, status, direction, memory, bytes, stream, 1);
    return status;
}
WRAPPERS(batch_v12080, PFN_cuMemcpyBatchAsync_v12080,
         (CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count, CUmemcpyAttributes *attrs,
          size_t *attr_idxs, size_t num_attrs, size_t *fail_idx, CUstream stream),
         dsts, srcs, sizes, count, attrs, attr_idxs, num_attrs, fail_idx, stream)

static CUresult impl_batch_v13000(int slot, CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count,
                                  CUmemcpyAttributes *attrs, size_t *attr_idxs, size_t num_attrs, CUstream stream) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(batch_v13000, slot, PFN_cuMemcpyBatchAsync_v13000)(dsts, srcs, sizes, count, attrs,
                                                                             attr_idxs, num_attrs, stream);
    uint8_t direction, memory;
    uint64_t bytes;
    describe_batch(dsts, srcs, sizes, count, &direction, &memory, &bytes);
    bw_leave(c, BW_API_MEMCPY_BATCH_ASYNC, status, direction, memory, bytes, stream, 1);
    return status;
}
WRAPPERS(batch_v13000, PFN_cuMemcpyBatchAsync_v13000,
         (CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count, CUmemcpyAttributes *attrs,
          size_t *attr_idxs, size_t num_attrs, CUstream stream),
         dsts, srcs, sizes, count, attrs, attr_idxs, num_attrs, stream)

/* A 3D batch operand's side: an array is device memory; a pointer's kind is asked. */
static const void *operand_pointer(const CUmemcpy3DOperand *operand) {
    return operand->type == CU_MEMCPY_OPERAND_TYPE_POINTER ? (const void *) (uintptr_t) operand->op.ptr.ptr : NULL;
}

/* Extents count elements: bytes for pointer operands, array elements (of the array's format) otherwise. */
static void describe_3d_batch(size_t count, const CUDA_MEMCPY3D_BATCH_OP *ops, uint8_t *direction, uint8_t *memory,
                              uint64_t *bytes) {
    *bytes = 0;
    for (size_t i = 0; i < count; i++) {
        *bytes += (uint64_t) ops[i].extent.width * ops[i].extent.height * ops[i].extent.depth;
    }
    *direction = BW_DIR_UNKNOWN;
    *memory = BW_MEM_UNKNOWN;
    if (count > 0) {
        const void *dst = operand_pointer(&ops[0].dst);
        const void *src = operand_pointer(&ops[0].src);
        if (dst != NULL && src != NULL) {
            bw_classify(dst, src, direction, memory);
        } else {
            classify_sides(src != NULL ? CU_MEMORYTYPE_UNIFIED : CU_MEMORYTYPE_ARRAY, src, (CUdeviceptr) (uintptr_t) src,
                           dst != NULL ? CU_MEMORYTYPE_UNIFIED : CU_MEMORYTYPE_ARRAY, (void *) dst,
                           (CUdeviceptr) (uintptr_t) dst, direction, memory);
        }
    }
}

static CUresult impl_batch3d_v12080(int slot, size_t count, CUDA_MEMCPY3D_BATCH_OP *ops, size_t *fail_idx,
                                    unsigned long long flags, CUstream stream) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(batch3d_v12080, slot, PFN_cuMemcpy3DBatchAsync_v12080)(count, ops, fail_idx, flags, stream);
    uint8_t direction, memory;
    uint64_t bytes;
    describe_3d_batch(count, ops, &direction, &memory, &bytes);
    bw_leave(c, BW_API_MEMCPY_3D_BATCH_ASYNC, status, direction, memory, bytes, stream, 1);
    return status;
}
WRAPPERS(batch3d_v12080, PFN_cuMemcpy3DBatchAsync_v12080,
         (size_t count, CUDA_MEMCPY3D_BATCH_OP *ops, size_t *fail_idx, unsigned long long flags, CUstream stream),
         count, ops, fail_idx, flags, stream)

static CUresult impl_batch3d_v13000(int slot, size_t count, CUDA_MEMCPY3D_BATCH_OP *ops, unsigned long long flags,
                                    CUstream stream) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(batch3d_v13000, slot, PFN_cuMemcpy3DBatchAsync_v13000)(count, ops, flags, stream);
    uint8_t direction, memory;
    uint64_t bytes;
    describe_3d_batch(count, ops, &direction, &memory, &bytes);
    bw_leave(c, BW_API_MEMCPY_3D_BATCH_ASYNC, status, direction, memory, bytes, stream, 1);
    return status;
}
WRAPPERS(batch3d_v13000, PFN_cuMemcpy3DBatchAsync_v13000,
         (size_t count, CUDA_MEMCPY3D_BATCH_OP *ops, unsigned long long flags, CUstream stream), count, ops, flags,
         stream)

/* Memsets: element size 1, 2 or 4 bytes. */
#define MEMSET(ID, PFN, PFN_ASYNC, API, VALUE_TYPE, ELEMENT)                                                  \
    static CUresult impl_##ID(int slot, CUdeviceptr dst, VALUE_TYPE value, size_t n) {                       \
        struct bw_call c = bw_enter(slot);                                                                   \
        CUresult status = REAL(ID, slot, PFN)(dst, value, n);                                                \
        bw_leave(c, API, status, BW_DIR_D2D, BW_MEM_DEVICE, (uint64_t) n * ELEMENT, NULL, 0);                \
        return status;                                                                                       \
    }                                                                                                        \
    WRAPPERS(ID, PFN, (CUdeviceptr dst, VALUE_TYPE value, size_t n), dst, value, n)                          \
    static CUresult impl_##ID##_async(int slot, CUdeviceptr dst, VALUE_TYPE value, size_t n, CUstream stream) { \
        struct bw_call c = bw_enter(slot);                                                                   \
        CUresult status = REAL(ID##_async, slot, PFN_ASYNC)(dst, value, n, stream);                          \
        bw_leave(c, API##_ASYNC, status, BW_DIR_D2D, BW_MEM_DEVICE, (uint64_t) n * ELEMENT, stream, 1);      \
        return status;                                                                                       \
    }                                                                                                        \
    WRAPPERS(ID##_async, PFN_ASYNC, (CUdeviceptr dst, VALUE_TYPE value, size_t n, CUstream stream), dst, value, n, \
             stream)

MEMSET(memset_d8, PFN_cuMemsetD8_v3020, PFN_cuMemsetD8Async_v3020, BW_API_MEMSET_D8, unsigned char, 1)
MEMSET(memset_d16, PFN_cuMemsetD16_v3020, PFN_cuMemsetD16Async_v3020, BW_API_MEMSET_D16, unsigned short, 2)
MEMSET(memset_d32, PFN_cuMemsetD32_v3020, PFN_cuMemsetD32Async_v3020, BW_API_MEMSET_D32, unsigned int, 4)

/* Allocations, frees and host registration: sizes, memory kinds and failures. Host memory changing kind (pinned,
 * registered, freed) empties the memory-kind cache. */
#define MEMORY_CALL(ID, PFN, API, MEMORY, BYTES, STREAM, ASYNC, FORGETS, PARAMS, ARGS)                         \
    static CUresult impl_##ID(int slot, ARGS_DECL_##ID) {                                                    \
        struct bw_call c = bw_enter(slot);                                                                   \
        CUresult status = REAL(ID, slot, PFN) ARGS;                                                          \
        if (FORGETS) {                                                                                       \
            forget_memory_kinds();                                                                           \
        }                                                                                                    \
        bw_leave(c, API, status, BW_DIR_UNKNOWN, MEMORY, BYTES, STREAM, ASYNC);                              \
        return status;                                                                                       \
    }                                                                                                        \
    WRAPPERS(ID, PFN, PARAMS, ARGS_USE_##ID)

#define ARGS_DECL_alloc CUdeviceptr *pointer, size_t bytes
#define ARGS_USE_alloc pointer, bytes
MEMORY_CALL(alloc, PFN_cuMemAlloc_v3020, BW_API_MEM_ALLOC, BW_MEM_DEVICE, bytes, NULL, 0, 0,
            (CUdeviceptr *pointer, size_t bytes), (pointer, bytes))
#define ARGS_DECL_alloc_host void **pointer, size_t bytes
#define ARGS_USE_alloc_host pointer, bytes
MEMORY_CALL(alloc_host, PFN_cuMemAllocHost_v3020, BW_API_MEM_ALLOC_HOST, BW_MEM_PINNED, bytes, NULL, 0, 1,
            (void **pointer, size_t bytes), (pointer, bytes))
#define ARGS_DECL_host_alloc void **pointer, size_t bytes, unsigned int flags
#define ARGS_USE_host_alloc pointer, bytes, flags
MEMORY_CALL(host_alloc, PFN_cuMemHostAlloc_v2020, BW_API_MEM_HOST_ALLOC, BW_MEM_PINNED, bytes, NULL, 0, 1,
            (void **pointer, size_t bytes, unsigned int flags), (pointer, bytes, flags))
#define ARGS_DECL_alloc_async CUdeviceptr *pointer, size_t bytes, CUstream stream
#define ARGS_USE_alloc_async pointer, bytes, stream
MEMORY_CALL(alloc_async, PFN_cuMemAllocAsync_v11020, BW_API_MEM_ALLOC_ASYNC, BW_MEM_DEVICE, bytes, stream, 1, 0,
            (CUdeviceptr *pointer, size_t bytes, CUstream stream), (pointer, bytes, stream))
#define ARGS_DECL_alloc_managed CUdeviceptr *pointer, size_t bytes, unsigned int flags
#define ARGS_USE_alloc_managed pointer, bytes, flags
MEMORY_CALL(alloc_managed, PFN_cuMemAllocManaged_v6000, BW_API_MEM_ALLOC_MANAGED, BW_MEM_MANAGED, bytes, NULL, 0, 1,
            (CUdeviceptr *pointer, size_t bytes, unsigned int flags), (pointer, bytes, flags))
#define ARGS_DECL_free CUdeviceptr pointer
#define ARGS_USE_free pointer
MEMORY_CALL(free, PFN_cuMemFree_v3020, BW_API_MEM_FREE, BW_MEM_DEVICE, 0, NULL, 0, 1, (CUdeviceptr pointer),
            (pointer))
#define ARGS_DECL_free_host void *pointer
#define ARGS_USE_free_host pointer
MEMORY_CALL(free_host, PFN_cuMemFreeHost_v2000, BW_API_MEM_FREE_HOST, BW_MEM_PINNED, 0, NULL, 0, 1, (void *pointer),
            (pointer))
#define ARGS_DECL_host_register void *pointer, size_t bytes, unsigned int flags
#define ARGS_USE_host_register pointer, bytes, flags
MEMORY_CALL(host_register, PFN_cuMemHostRegister_v6050, BW_API_MEM_HOST_REGISTER, BW_MEM_PINNED, bytes, NULL, 0, 1,
            (void *pointer, size_t bytes, unsigned int flags), (pointer, bytes, flags))
#define ARGS_DECL_host_unregister void *pointer
#define ARGS_USE_host_unregister pointer
MEMORY_CALL(host_unregister, PFN_cuMemHostUnregister_v4000, BW_API_MEM_HOST_UNREGISTER, BW_MEM_PAGEABLE, 0, NULL, 0,
            1, (void *pointer), (pointer))

/* Synchronization: how long the host waited, and on what. An event synchronization and the event records it waits
 * for carry the event's handle (in the bytes field): the collector dates the copies recorded before an event by the
 * return of its synchronization. */
#define SYNC_CALL(ID, PFN, API, BYTES, STREAM, PARAMS, ARGS)                                                    \
    static CUresult impl_##ID(int slot, ARGS_DECL_##ID) {                                                    \
        struct bw_call c = bw_enter(slot);                                                                   \
        CUresult status = REAL(ID, slot, PFN) ARGS;                                                          \
        bw_leave(c, API, status, BW_DIR_UNKNOWN, BW_MEM_UNKNOWN, BYTES, STREAM, 0);                           \
        return status;                                                                                       \
    }                                                                                                        \
    WRAPPERS(ID, PFN, PARAMS, ARGS_USE_##ID)

#define ARGS_DECL_stream_sync CUstream stream
#define ARGS_USE_stream_sync stream
SYNC_CALL(stream_sync, PFN_cuStreamSynchronize_v2000, BW_API_STREAM_SYNCHRONIZE, 0, stream, (CUstream stream),
          (stream))
#define ARGS_DECL_event_sync CUevent event
#define ARGS_USE_event_sync event
SYNC_CALL(event_sync, PFN_cuEventSynchronize_v2000, BW_API_EVENT_SYNCHRONIZE, (uint64_t) (uintptr_t) event, NULL,
          (CUevent event), (event))
#define ARGS_DECL_event_record CUevent event, CUstream stream
#define ARGS_USE_event_record event, stream
SYNC_CALL(event_record, PFN_cuEventRecord_v2000, BW_API_EVENT_RECORD, (uint64_t) (uintptr_t) event, stream,
          (CUevent event, CUstream stream), (event, stream))
#define ARGS_DECL_event_record_flags CUevent event, CUstream stream, unsigned int flags
#define ARGS_USE_event_record_flags event, stream, flags
SYNC_CALL(event_record_flags, PFN_cuEventRecordWithFlags_v11010, BW_API_EVENT_RECORD, (uint64_t) (uintptr_t) event,
          stream, (CUevent event, CUstream stream, unsigned int flags), (event, stream, flags))
#define ARGS_DECL_ctx_sync_v13000 CUcontext context
#define ARGS_USE_ctx_sync_v13000 context
SYNC_CALL(ctx_sync_v13000, PFN_cuCtxSynchronize_v13000, BW_API_CTX_SYNCHRONIZE, 0, NULL, (CUcontext context),
          (context))

/* The CUDA 2.0 cuCtxSynchronize takes nothing: the thread's current context. */
static CUresult impl_ctx_sync_v2000(int slot) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(ctx_sync_v2000, slot, PFN_cuCtxSynchronize_v2000)();
    bw_leave(c, BW_API_CTX_SYNCHRONIZE, status, BW_DIR_UNKNOWN, BW_MEM_UNKNOWN, 0, NULL, 0);
    return status;
}
static CUresult ctx_sync_v2000_legacy(void) { return impl_ctx_sync_v2000(0); }
static CUresult ctx_sync_v2000_per_thread(void) { return impl_ctx_sync_v2000(1); }
_Static_assert(__builtin_types_compatible_p(__typeof__(&ctx_sync_v2000_legacy), PFN_cuCtxSynchronize_v2000),
               "ctx_sync_v2000 wraps the signature of PFN_cuCtxSynchronize_v2000");

/* Launches: grid and block, stream. */
static CUresult impl_launch(int slot, CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz,
                            unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared, CUstream stream,
                            void **params, void **extra) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(launch, slot, PFN_cuLaunchKernel_v4000)(f, gx, gy, gz, bx, by, bz, shared, stream, params,
                                                                   extra);
    unsigned int grid[3] = {gx, gy, gz};
    unsigned int block[3] = {bx, by, bz};
    bw_leave_launch(c, BW_API_LAUNCH_KERNEL, status, stream, grid, block);
    return status;
}
WRAPPERS(launch, PFN_cuLaunchKernel_v4000,
         (CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,
          unsigned int bz, unsigned int shared, CUstream stream, void **params, void **extra),
         f, gx, gy, gz, bx, by, bz, shared, stream, params, extra)

static CUresult impl_launch_ex(int slot, const CUlaunchConfig *config, CUfunction f, void **params, void **extra) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(launch_ex, slot, PFN_cuLaunchKernelEx_v11060)(config, f, params, extra);
    unsigned int grid[3] = {config->gridDimX, config->gridDimY, config->gridDimZ};
    unsigned int block[3] = {config->blockDimX, config->blockDimY, config->blockDimZ};
    bw_leave_launch(c, BW_API_LAUNCH_KERNEL_EX, status, config->hStream, grid, block);
    return status;
}
WRAPPERS(launch_ex, PFN_cuLaunchKernelEx_v11060,
         (const CUlaunchConfig *config, CUfunction f, void **params, void **extra), config, f, params, extra)

static CUresult impl_graph_launch(int slot, CUgraphExec graph, CUstream stream) {
    struct bw_call c = bw_enter(slot);
    CUresult status = REAL(graph_launch, slot, PFN_cuGraphLaunch_v10000)(graph, stream);
    bw_leave_launch(c, BW_API_GRAPH_LAUNCH, status, stream, NULL, NULL);
    return status;
}
WRAPPERS(graph_launch, PFN_cuGraphLaunch_v10000, (CUgraphExec graph, CUstream stream), graph, stream)

/* ---- handing wrappers out ---- */

#define WRAPPER_ROW(id, name, since, legacy, per_thread) [BW_ABI_##id] = {(void *) id##_legacy, (void *) id##_per_thread},
static void *const wrappers[BW_ABI_COUNT][2] = {BW_WRAPPED_ABIS(WRAPPER_ROW)};
#undef WRAPPER_ROW

void *bw_wrap(int id, int per_thread, void *real) {
    if (id < 0 || id >= BW_ABI_COUNT || real == NULL) {
        return real;
    }
    bw_agent_init();
    __atomic_store_n(&reals[id][per_thread ? 1 : 0], real, __ATOMIC_RELEASE);
    return wrappers[id][per_thread ? 1 : 0];
}
