/*
 * API interposition (LD_PRELOAD), the production path under CC where CUPTI tracing is refused.
 *
 * The CUDA runtime does not link the driver's entry points by name: it dlsym()s libcuda for cuGetProcAddress and
 * resolves everything else through it (FEASIBILITY.md section 8). So the agent overrides dlsym: asked for
 * cuGetProcAddress it hands out its own lookup, which returns the real entry point for names it does not watch and
 * a timing wrapper for the ones it does; plain dlsym() lookups of watched driver symbols get wrappers too. Each
 * watched entry point has two wrappers, for the legacy and the per-thread default stream variants, since the two
 * have different real functions. A wrapper times the real call on the host (CLOCK_REALTIME), then describes it:
 * bytes, direction, host memory kind (pointer attributes, cached per page), context, stream, return code.
 *
 * The runtime's copy and launch calls (cudaMemcpy, cudaMemcpyAsync, cudaLaunchKernel) are wrapped too, by symbol
 * (the application links them): their host time is what the application waits, including the runtime's share, and
 * is what profilers report; and CUPTI ties GPU activity to the runtime call, so the correlation id must be pushed
 * at its entry. A driver call made inside one of them adds its details to the runtime call's record instead of
 * recording itself, so each copy or launch is one record.
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

#include "bw_agent.h"

/* ---- the real dlsym ---- */

typedef void *(*dlsym_t)(void *, const char *);
static dlsym_t real_dlsym_fn;

static void *real_dlsym(void *handle, const char *symbol) {
    if (real_dlsym_fn == NULL) {
        real_dlsym_fn = (dlsym_t) dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
        if (real_dlsym_fn == NULL) {
            real_dlsym_fn = (dlsym_t) dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
        }
    }
    return real_dlsym_fn(handle, symbol);
}

/* ---- driver functions the agent calls itself (never wrapped) ---- */

typedef CUresult (*ctx_get_current_t)(CUcontext *);
typedef CUresult (*ctx_get_device_t)(CUdevice *);
typedef CUresult (*pointer_attribute_t)(void *, CUpointer_attribute, CUdeviceptr);
static ctx_get_current_t ctx_get_current;
static ctx_get_device_t ctx_get_device;
static pointer_attribute_t pointer_attribute;

static void resolve_own_driver_calls(void) {
    if (pointer_attribute != NULL) {
        return;
    }
    void *cuda = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (cuda == NULL) {
        return;
    }
    ctx_get_current = (ctx_get_current_t) real_dlsym(cuda, "cuCtxGetCurrent");
    ctx_get_device = (ctx_get_device_t) real_dlsym(cuda, "cuCtxGetDevice");
    __atomic_store_n(&pointer_attribute, (pointer_attribute_t) real_dlsym(cuda, "cuPointerGetAttribute"),
                     __ATOMIC_RELEASE);
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

static uint8_t memory_kind(const void *pointer) {
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

/* ---- recording ---- */

struct call {
    uint64_t correlation;
    uint64_t start_ns;
    int cupti;
    int nested; /* a driver call inside a wrapped runtime call: its details go to the runtime call's record */
};

/* The wrapped runtime call in progress on this thread, and what its driver call found out. */
static __thread struct {
    int depth;
    uint64_t correlation;
    int have_details;
    struct bw_event details;
} runtime_call;

static inline struct call enter(void) {
    if (runtime_call.depth > 0) {
        struct call nested = {runtime_call.correlation, 0, 0, 1};
        return nested;
    }
    struct call c = {bw_next_correlation(), 0, bw_cupti_active(), 0};
    if (c.cupti) {
        bw_cupti_push_correlation(c.correlation);
    }
    c.start_ns = bw_now_ns();
    return c;
}

/* The device of the thread's last context: a context's device never changes, so it is asked once per context. */
static __thread CUcontext last_context;
static __thread CUdevice last_device = -1;

static void fill_context(struct bw_event *e) {
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

static void leave(struct call c, uint16_t api, CUresult status, uint8_t direction, uint8_t memory, uint64_t bytes,
                  CUstream stream, int async) {
    uint64_t end = bw_now_ns();
    if (c.cupti) {
        bw_cupti_pop_correlation();
    }
    struct bw_event e;
    memset(&e, 0, sizeof(e));
    if (c.nested) {
        e.direction = direction;
        e.memory = memory;
        e.status = (int32_t) status;
        e.stream = (uint64_t) (uintptr_t) stream;
        e.bytes = bytes;
        fill_context(&e);
        runtime_call.details = e;
        runtime_call.have_details = 1;
        return;
    }
    e.api = api;
    e.direction = direction;
    e.memory = memory;
    e.status = (int32_t) status;
    e.pid = bw_pid();
    e.tid = bw_tid();
    e.flags = async ? BW_FLAG_ASYNC : 0;
    e.stream = (uint64_t) (uintptr_t) stream;
    e.correlation = c.correlation;
    e.bytes = bytes;
    e.start_ns = c.start_ns;
    e.end_ns = end;
    fill_context(&e);
    bw_emit_event(BW_REC_API_CALL, &e);
}

static void leave_launch(struct call c, uint16_t api, CUresult status, CUstream stream, const unsigned int grid[3],
                         const unsigned int block[3]) {
    if (c.nested) {
        return; /* not expected inside a copy; recorded by the copy's record otherwise */
    }
    uint64_t end = bw_now_ns();
    if (c.cupti) {
        bw_cupti_pop_correlation();
    }
    struct bw_event e;
    memset(&e, 0, sizeof(e));
    e.api = api;
    e.status = (int32_t) status;
    e.pid = bw_pid();
    e.tid = bw_tid();
    e.flags = BW_FLAG_ASYNC;
    e.stream = (uint64_t) (uintptr_t) stream;
    e.correlation = c.correlation;
    e.start_ns = c.start_ns;
    e.end_ns = end;
    for (int i = 0; i < 3; i++) {
        e.grid[i] = grid != NULL ? grid[i] : 0;
        e.block[i] = block != NULL ? block[i] : 0;
    }
    fill_context(&e);
    bw_emit_event(BW_REC_API_CALL, &e);
}

/* Direction and host memory kind of a copy between two unified-address pointers. */
static void classify(const void *dst, const void *src, uint8_t *direction, uint8_t *memory) {
    uint8_t d = memory_kind(dst);
    uint8_t s = memory_kind(src);
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

static void classify_2d(const CUDA_MEMCPY2D *copy, uint8_t *direction, uint8_t *memory) {
    if (copy->srcMemoryType == CU_MEMORYTYPE_ARRAY || copy->dstMemoryType == CU_MEMORYTYPE_ARRAY) {
        int src_host = copy->srcMemoryType == CU_MEMORYTYPE_HOST;
        int dst_host = copy->dstMemoryType == CU_MEMORYTYPE_HOST;
        *direction = src_host ? BW_DIR_H2D : dst_host ? BW_DIR_D2H : BW_DIR_D2D;
        *memory = src_host ? memory_kind(copy->srcHost) : dst_host ? memory_kind(copy->dstHost) : BW_MEM_DEVICE;
        return;
    }
    classify(side_pointer(copy->dstMemoryType, copy->dstHost, copy->dstDevice),
             side_pointer(copy->srcMemoryType, copy->srcHost, copy->srcDevice), direction, memory);
}

static void classify_3d(const CUDA_MEMCPY3D *copy, uint8_t *direction, uint8_t *memory) {
    CUDA_MEMCPY2D flat;
    memset(&flat, 0, sizeof(flat));
    flat.srcMemoryType = copy->srcMemoryType;
    flat.srcHost = copy->srcHost;
    flat.srcDevice = copy->srcDevice;
    flat.dstMemoryType = copy->dstMemoryType;
    flat.dstHost = copy->dstHost;
    flat.dstDevice = copy->dstDevice;
    classify_2d(&flat, direction, memory);
}

/* ---- the watched entry points ---- */

/* Each watched entry point: its base name, the record's api id, and its real function per variant. */
enum watched {
    W_MEMCPY, W_MEMCPY_ASYNC, W_HTOD, W_HTOD_ASYNC, W_DTOH, W_DTOH_ASYNC, W_DTOD, W_DTOD_ASYNC, W_PEER,
    W_PEER_ASYNC, W_2D, W_2D_ASYNC, W_3D, W_3D_ASYNC, W_BATCH_ASYNC,
    W_MEMSET_D8, W_MEMSET_D8_ASYNC, W_MEMSET_D16, W_MEMSET_D16_ASYNC, W_MEMSET_D32, W_MEMSET_D32_ASYNC,
    W_ALLOC, W_ALLOC_HOST, W_HOST_ALLOC, W_ALLOC_ASYNC, W_FREE, W_FREE_HOST, W_ALLOC_MANAGED,
    W_HOST_REGISTER, W_HOST_UNREGISTER,
    W_STREAM_SYNC, W_EVENT_SYNC, W_CTX_SYNC, W_EVENT_RECORD, W_EVENT_RECORD_FLAGS,
    W_LAUNCH, W_LAUNCH_EX, W_GRAPH_LAUNCH,
    W_COUNT
};

struct entry {
    const char *name;
    void *real[2];      /* [0] legacy default stream, [1] per-thread default stream */
    void *wrapper[2];
};

static struct entry entries[W_COUNT];

#define REAL(w, slot, type) ((type) __atomic_load_n(&entries[w].real[slot], __ATOMIC_ACQUIRE))

/* Defines the two wrappers (one per variant) of an entry point whose body is impl_NAME(slot, args...). */
#define TWO_VARIANTS(NAME, PARAMS, ...)                                            \
    static CUresult NAME##_legacy PARAMS { return impl_##NAME(0, __VA_ARGS__); }  \
    static CUresult NAME##_per_thread PARAMS { return impl_##NAME(1, __VA_ARGS__); }

/* Copies with an explicit direction. */
#define DIRECT_COPY(NAME, W, API, DIRECTION, HOST_POINTER, PARAMS_WITH_SLOT, PARAMS, CALL_ARGS, BYTES, STREAM, ASYNC) \
    typedef CUresult (*NAME##_t) PARAMS;                                                                              \
    static CUresult impl_##NAME PARAMS_WITH_SLOT {                                                                    \
        struct call c = enter();                                                                                      \
        CUresult status = REAL(W, slot, NAME##_t) CALL_ARGS;                                                           \
        leave(c, API, status, DIRECTION, DIRECTION == BW_DIR_D2D ? BW_MEM_DEVICE : memory_kind(HOST_POINTER), BYTES, \
              STREAM, ASYNC);                                                                                         \
        return status;                                                                                                \
    }                                                                                                                 \
    TWO_VARIANTS(NAME, PARAMS, CALL_ARGS_NO_PAREN_##NAME)

#define CALL_ARGS_NO_PAREN_htod dst, src, bytes
DIRECT_COPY(htod, W_HTOD, BW_API_MEMCPY_HTOD, BW_DIR_H2D, src,
            (int slot, CUdeviceptr dst, const void *src, size_t bytes), (CUdeviceptr dst, const void *src, size_t bytes),
            (dst, src, bytes), bytes, NULL, 0)
#define CALL_ARGS_NO_PAREN_htod_async dst, src, bytes, stream
DIRECT_COPY(htod_async, W_HTOD_ASYNC, BW_API_MEMCPY_HTOD_ASYNC, BW_DIR_H2D, src,
            (int slot, CUdeviceptr dst, const void *src, size_t bytes, CUstream stream),
            (CUdeviceptr dst, const void *src, size_t bytes, CUstream stream), (dst, src, bytes, stream), bytes,
            stream, 1)
#define CALL_ARGS_NO_PAREN_dtoh dst, src, bytes
DIRECT_COPY(dtoh, W_DTOH, BW_API_MEMCPY_DTOH, BW_DIR_D2H, dst,
            (int slot, void *dst, CUdeviceptr src, size_t bytes), (void *dst, CUdeviceptr src, size_t bytes),
            (dst, src, bytes), bytes, NULL, 0)
#define CALL_ARGS_NO_PAREN_dtoh_async dst, src, bytes, stream
DIRECT_COPY(dtoh_async, W_DTOH_ASYNC, BW_API_MEMCPY_DTOH_ASYNC, BW_DIR_D2H, dst,
            (int slot, void *dst, CUdeviceptr src, size_t bytes, CUstream stream),
            (void *dst, CUdeviceptr src, size_t bytes, CUstream stream), (dst, src, bytes, stream), bytes, stream, 1)
#define CALL_ARGS_NO_PAREN_dtod dst, src, bytes
DIRECT_COPY(dtod, W_DTOD, BW_API_MEMCPY_DTOD, BW_DIR_D2D, NULL,
            (int slot, CUdeviceptr dst, CUdeviceptr src, size_t bytes), (CUdeviceptr dst, CUdeviceptr src, size_t bytes),
            (dst, src, bytes), bytes, NULL, 0)
#define CALL_ARGS_NO_PAREN_dtod_async dst, src, bytes, stream
DIRECT_COPY(dtod_async, W_DTOD_ASYNC, BW_API_MEMCPY_DTOD_ASYNC, BW_DIR_D2D, NULL,
            (int slot, CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream),
            (CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream), (dst, src, bytes, stream), bytes,
            stream, 1)

/* Unified-address copies: the pointers say the direction. */
typedef CUresult (*memcpy_t)(CUdeviceptr, CUdeviceptr, size_t);
static CUresult impl_memcpy(int slot, CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    struct call c = enter();
    CUresult status = REAL(W_MEMCPY, slot, memcpy_t)(dst, src, bytes);
    uint8_t direction, memory;
    classify((const void *) (uintptr_t) dst, (const void *) (uintptr_t) src, &direction, &memory);
    leave(c, BW_API_MEMCPY, status, direction, memory, bytes, NULL, 0);
    return status;
}
TWO_VARIANTS(memcpy, (CUdeviceptr dst, CUdeviceptr src, size_t bytes), dst, src, bytes)

typedef CUresult (*memcpy_async_t)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
static CUresult impl_memcpy_async(int slot, CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_MEMCPY_ASYNC, slot, memcpy_async_t)(dst, src, bytes, stream);
    uint8_t direction, memory;
    classify((const void *) (uintptr_t) dst, (const void *) (uintptr_t) src, &direction, &memory);
    leave(c, BW_API_MEMCPY_ASYNC, status, direction, memory, bytes, stream, 1);
    return status;
}
TWO_VARIANTS(memcpy_async, (CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream), dst, src, bytes, stream)

typedef CUresult (*peer_t)(CUdeviceptr, CUcontext, CUdeviceptr, CUcontext, size_t);
static CUresult impl_peer(int slot, CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src, CUcontext src_ctx,
                          size_t bytes) {
    struct call c = enter();
    CUresult status = REAL(W_PEER, slot, peer_t)(dst, dst_ctx, src, src_ctx, bytes);
    leave(c, BW_API_MEMCPY_PEER, status, BW_DIR_P2P, BW_MEM_DEVICE, bytes, NULL, 0);
    return status;
}
TWO_VARIANTS(peer, (CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src, CUcontext src_ctx, size_t bytes), dst,
             dst_ctx, src, src_ctx, bytes)

typedef CUresult (*peer_async_t)(CUdeviceptr, CUcontext, CUdeviceptr, CUcontext, size_t, CUstream);
static CUresult impl_peer_async(int slot, CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src, CUcontext src_ctx,
                                size_t bytes, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_PEER_ASYNC, slot, peer_async_t)(dst, dst_ctx, src, src_ctx, bytes, stream);
    leave(c, BW_API_MEMCPY_PEER_ASYNC, status, BW_DIR_P2P, BW_MEM_DEVICE, bytes, stream, 1);
    return status;
}
TWO_VARIANTS(peer_async, (CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src, CUcontext src_ctx, size_t bytes,
                          CUstream stream), dst, dst_ctx, src, src_ctx, bytes, stream)

typedef CUresult (*copy2d_t)(const CUDA_MEMCPY2D *);
static CUresult impl_copy2d(int slot, const CUDA_MEMCPY2D *copy) {
    struct call c = enter();
    CUresult status = REAL(W_2D, slot, copy2d_t)(copy);
    uint8_t direction, memory;
    classify_2d(copy, &direction, &memory);
    leave(c, BW_API_MEMCPY_2D, status, direction, memory, (uint64_t) copy->WidthInBytes * copy->Height, NULL, 0);
    return status;
}
TWO_VARIANTS(copy2d, (const CUDA_MEMCPY2D *copy), copy)

typedef CUresult (*copy2d_async_t)(const CUDA_MEMCPY2D *, CUstream);
static CUresult impl_copy2d_async(int slot, const CUDA_MEMCPY2D *copy, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_2D_ASYNC, slot, copy2d_async_t)(copy, stream);
    uint8_t direction, memory;
    classify_2d(copy, &direction, &memory);
    leave(c, BW_API_MEMCPY_2D_ASYNC, status, direction, memory, (uint64_t) copy->WidthInBytes * copy->Height,
          stream, 1);
    return status;
}
TWO_VARIANTS(copy2d_async, (const CUDA_MEMCPY2D *copy, CUstream stream), copy, stream)

typedef CUresult (*copy3d_t)(const CUDA_MEMCPY3D *);
static CUresult impl_copy3d(int slot, const CUDA_MEMCPY3D *copy) {
    struct call c = enter();
    CUresult status = REAL(W_3D, slot, copy3d_t)(copy);
    uint8_t direction, memory;
    classify_3d(copy, &direction, &memory);
    leave(c, BW_API_MEMCPY_3D, status, direction, memory,
          (uint64_t) copy->WidthInBytes * copy->Height * copy->Depth, NULL, 0);
    return status;
}
TWO_VARIANTS(copy3d, (const CUDA_MEMCPY3D *copy), copy)

typedef CUresult (*copy3d_async_t)(const CUDA_MEMCPY3D *, CUstream);
static CUresult impl_copy3d_async(int slot, const CUDA_MEMCPY3D *copy, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_3D_ASYNC, slot, copy3d_async_t)(copy, stream);
    uint8_t direction, memory;
    classify_3d(copy, &direction, &memory);
    leave(c, BW_API_MEMCPY_3D_ASYNC, status, direction, memory,
          (uint64_t) copy->WidthInBytes * copy->Height * copy->Depth, stream, 1);
    return status;
}
TWO_VARIANTS(copy3d_async, (const CUDA_MEMCPY3D *copy, CUstream stream), copy, stream)

/* Batched copies (CUDA 13 signature): one record for the batch, its bytes summed, classified by its first copy. */
typedef CUresult (*batch_async_t)(CUdeviceptr *, CUdeviceptr *, size_t *, size_t, CUmemcpyAttributes *, size_t *,
                                  size_t, CUstream);
static CUresult impl_batch_async(int slot, CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count,
                                 CUmemcpyAttributes *attrs, size_t *attrs_idxs, size_t num_attrs, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_BATCH_ASYNC, slot, batch_async_t)(dsts, srcs, sizes, count, attrs, attrs_idxs,
                                                                 num_attrs, stream);
    uint64_t bytes = 0;
    for (size_t i = 0; i < count; i++) {
        bytes += sizes[i];
    }
    uint8_t direction = BW_DIR_UNKNOWN, memory = BW_MEM_UNKNOWN;
    if (count > 0) {
        classify((const void *) (uintptr_t) dsts[0], (const void *) (uintptr_t) srcs[0], &direction, &memory);
    }
    leave(c, BW_API_MEMCPY_BATCH_ASYNC, status, direction, memory, bytes, stream, 1);
    return status;
}
TWO_VARIANTS(batch_async, (CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count,
                           CUmemcpyAttributes *attrs, size_t *attrs_idxs, size_t num_attrs, CUstream stream),
             dsts, srcs, sizes, count, attrs, attrs_idxs, num_attrs, stream)

/* Memsets: element size 1, 2 or 4 bytes. */
#define MEMSET(NAME, W, API, VALUE_TYPE, ELEMENT)                                                                   \
    typedef CUresult (*NAME##_t)(CUdeviceptr, VALUE_TYPE, size_t);                                                  \
    static CUresult impl_##NAME(int slot, CUdeviceptr dst, VALUE_TYPE value, size_t n) {                            \
        struct call c = enter();                                                                                    \
        CUresult status = REAL(W, slot, NAME##_t)(dst, value, n);                                                   \
        leave(c, API, status, BW_DIR_D2D, BW_MEM_DEVICE, (uint64_t) n * ELEMENT, NULL, 0);                          \
        return status;                                                                                              \
    }                                                                                                               \
    TWO_VARIANTS(NAME, (CUdeviceptr dst, VALUE_TYPE value, size_t n), dst, value, n)                                \
    typedef CUresult (*NAME##_async_t)(CUdeviceptr, VALUE_TYPE, size_t, CUstream);                                  \
    static CUresult impl_##NAME##_async(int slot, CUdeviceptr dst, VALUE_TYPE value, size_t n, CUstream stream) {   \
        struct call c = enter();                                                                                    \
        CUresult status = REAL(W##_ASYNC, slot, NAME##_async_t)(dst, value, n, stream);                             \
        leave(c, API##_ASYNC, status, BW_DIR_D2D, BW_MEM_DEVICE, (uint64_t) n * ELEMENT, stream, 1);                \
        return status;                                                                                              \
    }                                                                                                               \
    TWO_VARIANTS(NAME##_async, (CUdeviceptr dst, VALUE_TYPE value, size_t n, CUstream stream), dst, value, n, stream)

MEMSET(memset_d8, W_MEMSET_D8, BW_API_MEMSET_D8, unsigned char, 1)
MEMSET(memset_d16, W_MEMSET_D16, BW_API_MEMSET_D16, unsigned short, 2)
MEMSET(memset_d32, W_MEMSET_D32, BW_API_MEMSET_D32, unsigned int, 4)

/* Allocations, frees and host registration: sizes, memory kinds and failures. */
typedef CUresult (*alloc_t)(CUdeviceptr *, size_t);
static CUresult impl_alloc(int slot, CUdeviceptr *pointer, size_t bytes) {
    struct call c = enter();
    CUresult status = REAL(W_ALLOC, slot, alloc_t)(pointer, bytes);
    leave(c, BW_API_MEM_ALLOC, status, BW_DIR_UNKNOWN, BW_MEM_DEVICE, bytes, NULL, 0);
    return status;
}
TWO_VARIANTS(alloc, (CUdeviceptr *pointer, size_t bytes), pointer, bytes)

typedef CUresult (*alloc_host_t)(void **, size_t);
static CUresult impl_alloc_host(int slot, void **pointer, size_t bytes) {
    struct call c = enter();
    CUresult status = REAL(W_ALLOC_HOST, slot, alloc_host_t)(pointer, bytes);
    forget_memory_kinds();
    leave(c, BW_API_MEM_ALLOC_HOST, status, BW_DIR_UNKNOWN, BW_MEM_PINNED, bytes, NULL, 0);
    return status;
}
TWO_VARIANTS(alloc_host, (void **pointer, size_t bytes), pointer, bytes)

typedef CUresult (*host_alloc_t)(void **, size_t, unsigned int);
static CUresult impl_host_alloc(int slot, void **pointer, size_t bytes, unsigned int flags) {
    struct call c = enter();
    CUresult status = REAL(W_HOST_ALLOC, slot, host_alloc_t)(pointer, bytes, flags);
    forget_memory_kinds();
    leave(c, BW_API_MEM_HOST_ALLOC, status, BW_DIR_UNKNOWN, BW_MEM_PINNED, bytes, NULL, 0);
    return status;
}
TWO_VARIANTS(host_alloc, (void **pointer, size_t bytes, unsigned int flags), pointer, bytes, flags)

typedef CUresult (*alloc_async_t)(CUdeviceptr *, size_t, CUstream);
static CUresult impl_alloc_async(int slot, CUdeviceptr *pointer, size_t bytes, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_ALLOC_ASYNC, slot, alloc_async_t)(pointer, bytes, stream);
    leave(c, BW_API_MEM_ALLOC_ASYNC, status, BW_DIR_UNKNOWN, BW_MEM_DEVICE, bytes, stream, 1);
    return status;
}
TWO_VARIANTS(alloc_async, (CUdeviceptr *pointer, size_t bytes, CUstream stream), pointer, bytes, stream)

typedef CUresult (*alloc_managed_t)(CUdeviceptr *, size_t, unsigned int);
static CUresult impl_alloc_managed(int slot, CUdeviceptr *pointer, size_t bytes, unsigned int flags) {
    struct call c = enter();
    CUresult status = REAL(W_ALLOC_MANAGED, slot, alloc_managed_t)(pointer, bytes, flags);
    forget_memory_kinds();
    leave(c, BW_API_MEM_ALLOC_MANAGED, status, BW_DIR_UNKNOWN, BW_MEM_MANAGED, bytes, NULL, 0);
    return status;
}
TWO_VARIANTS(alloc_managed, (CUdeviceptr *pointer, size_t bytes, unsigned int flags), pointer, bytes, flags)

typedef CUresult (*free_t)(CUdeviceptr);
static CUresult impl_free(int slot, CUdeviceptr pointer) {
    struct call c = enter();
    CUresult status = REAL(W_FREE, slot, free_t)(pointer);
    forget_memory_kinds();
    leave(c, BW_API_MEM_FREE, status, BW_DIR_UNKNOWN, BW_MEM_DEVICE, 0, NULL, 0);
    return status;
}
TWO_VARIANTS(free, (CUdeviceptr pointer), pointer)

typedef CUresult (*free_host_t)(void *);
static CUresult impl_free_host(int slot, void *pointer) {
    struct call c = enter();
    CUresult status = REAL(W_FREE_HOST, slot, free_host_t)(pointer);
    forget_memory_kinds();
    leave(c, BW_API_MEM_FREE_HOST, status, BW_DIR_UNKNOWN, BW_MEM_PINNED, 0, NULL, 0);
    return status;
}
TWO_VARIANTS(free_host, (void *pointer), pointer)

typedef CUresult (*host_register_t)(void *, size_t, unsigned int);
static CUresult impl_host_register(int slot, void *pointer, size_t bytes, unsigned int flags) {
    struct call c = enter();
    CUresult status = REAL(W_HOST_REGISTER, slot, host_register_t)(pointer, bytes, flags);
    forget_memory_kinds();
    leave(c, BW_API_MEM_HOST_REGISTER, status, BW_DIR_UNKNOWN, BW_MEM_PINNED, bytes, NULL, 0);
    return status;
}
TWO_VARIANTS(host_register, (void *pointer, size_t bytes, unsigned int flags), pointer, bytes, flags)

typedef CUresult (*host_unregister_t)(void *);
static CUresult impl_host_unregister(int slot, void *pointer) {
    struct call c = enter();
    CUresult status = REAL(W_HOST_UNREGISTER, slot, host_unregister_t)(pointer);
    forget_memory_kinds();
    leave(c, BW_API_MEM_HOST_UNREGISTER, status, BW_DIR_UNKNOWN, BW_MEM_PAGEABLE, 0, NULL, 0);
    return status;
}
TWO_VARIANTS(host_unregister, (void *pointer), pointer)

/* Synchronization: how long the host waited, and on what. */
typedef CUresult (*stream_sync_t)(CUstream);
static CUresult impl_stream_sync(int slot, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_STREAM_SYNC, slot, stream_sync_t)(stream);
    leave(c, BW_API_STREAM_SYNCHRONIZE, status, BW_DIR_UNKNOWN, BW_MEM_UNKNOWN, 0, stream, 0);
    return status;
}
TWO_VARIANTS(stream_sync, (CUstream stream), stream)

/* An event synchronization and the event records it waits for carry the event's handle (in the bytes field): the
 * collector dates the copies recorded before an event by the return of its synchronization. */
typedef CUresult (*event_sync_t)(CUevent);
static CUresult impl_event_sync(int slot, CUevent event) {
    struct call c = enter();
    CUresult status = REAL(W_EVENT_SYNC, slot, event_sync_t)(event);
    leave(c, BW_API_EVENT_SYNCHRONIZE, status, BW_DIR_UNKNOWN, BW_MEM_UNKNOWN, (uint64_t) (uintptr_t) event, NULL,
          0);
    return status;
}
TWO_VARIANTS(event_sync, (CUevent event), event)

typedef CUresult (*event_record_t)(CUevent, CUstream);
static CUresult impl_event_record(int slot, CUevent event, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_EVENT_RECORD, slot, event_record_t)(event, stream);
    leave(c, BW_API_EVENT_RECORD, status, BW_DIR_UNKNOWN, BW_MEM_UNKNOWN, (uint64_t) (uintptr_t) event, stream, 0);
    return status;
}
TWO_VARIANTS(event_record, (CUevent event, CUstream stream), event, stream)

typedef CUresult (*event_record_flags_t)(CUevent, CUstream, unsigned int);
static CUresult impl_event_record_flags(int slot, CUevent event, CUstream stream, unsigned int flags) {
    struct call c = enter();
    CUresult status = REAL(W_EVENT_RECORD_FLAGS, slot, event_record_flags_t)(event, stream, flags);
    leave(c, BW_API_EVENT_RECORD, status, BW_DIR_UNKNOWN, BW_MEM_UNKNOWN, (uint64_t) (uintptr_t) event, stream, 0);
    return status;
}
TWO_VARIANTS(event_record_flags, (CUevent event, CUstream stream, unsigned int flags), event, stream, flags)

typedef CUresult (*ctx_sync_t)(void);
static CUresult impl_ctx_sync(int slot) {
    struct call c = enter();
    CUresult status = REAL(W_CTX_SYNC, slot, ctx_sync_t)();
    leave(c, BW_API_CTX_SYNCHRONIZE, status, BW_DIR_UNKNOWN, BW_MEM_UNKNOWN, 0, NULL, 0);
    return status;
}
static CUresult ctx_sync_legacy(void) { return impl_ctx_sync(0); }
static CUresult ctx_sync_per_thread(void) { return impl_ctx_sync(1); }

/* Launches: grid and block, stream. */
typedef CUresult (*launch_t)(CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int,
                             unsigned int, unsigned int, CUstream, void **, void **);
static CUresult impl_launch(int slot, CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz,
                            unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared, CUstream stream,
                            void **params, void **extra) {
    struct call c = enter();
    CUresult status = REAL(W_LAUNCH, slot, launch_t)(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra);
    unsigned int grid[3] = {gx, gy, gz};
    unsigned int block[3] = {bx, by, bz};
    leave_launch(c, BW_API_LAUNCH_KERNEL, status, stream, grid, block);
    return status;
}
TWO_VARIANTS(launch, (CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                      unsigned int by, unsigned int bz, unsigned int shared, CUstream stream, void **params,
                      void **extra), f, gx, gy, gz, bx, by, bz, shared, stream, params, extra)

typedef CUresult (*launch_ex_t)(const CUlaunchConfig *, CUfunction, void **, void **);
static CUresult impl_launch_ex(int slot, const CUlaunchConfig *config, CUfunction f, void **params, void **extra) {
    struct call c = enter();
    CUresult status = REAL(W_LAUNCH_EX, slot, launch_ex_t)(config, f, params, extra);
    unsigned int grid[3] = {config->gridDimX, config->gridDimY, config->gridDimZ};
    unsigned int block[3] = {config->blockDimX, config->blockDimY, config->blockDimZ};
    leave_launch(c, BW_API_LAUNCH_KERNEL_EX, status, config->hStream, grid, block);
    return status;
}
TWO_VARIANTS(launch_ex, (const CUlaunchConfig *config, CUfunction f, void **params, void **extra), config, f,
             params, extra)

typedef CUresult (*graph_launch_t)(CUgraphExec, CUstream);
static CUresult impl_graph_launch(int slot, CUgraphExec graph, CUstream stream) {
    struct call c = enter();
    CUresult status = REAL(W_GRAPH_LAUNCH, slot, graph_launch_t)(graph, stream);
    leave_launch(c, BW_API_GRAPH_LAUNCH, status, stream, NULL, NULL);
    return status;
}
TWO_VARIANTS(graph_launch, (CUgraphExec graph, CUstream stream), graph, stream)

#define ENTRY(W, NAME, FN) [W] = {NAME, {NULL, NULL}, {(void *) FN##_legacy, (void *) FN##_per_thread}}

static struct entry entries[W_COUNT] = {
    ENTRY(W_MEMCPY, "cuMemcpy", memcpy), ENTRY(W_MEMCPY_ASYNC, "cuMemcpyAsync", memcpy_async),
    ENTRY(W_HTOD, "cuMemcpyHtoD", htod), ENTRY(W_HTOD_ASYNC, "cuMemcpyHtoDAsync", htod_async),
    ENTRY(W_DTOH, "cuMemcpyDtoH", dtoh), ENTRY(W_DTOH_ASYNC, "cuMemcpyDtoHAsync", dtoh_async),
    ENTRY(W_DTOD, "cuMemcpyDtoD", dtod), ENTRY(W_DTOD_ASYNC, "cuMemcpyDtoDAsync", dtod_async),
    ENTRY(W_PEER, "cuMemcpyPeer", peer), ENTRY(W_PEER_ASYNC, "cuMemcpyPeerAsync", peer_async),
    ENTRY(W_2D, "cuMemcpy2D", copy2d), ENTRY(W_2D_ASYNC, "cuMemcpy2DAsync", copy2d_async),
    ENTRY(W_3D, "cuMemcpy3D", copy3d), ENTRY(W_3D_ASYNC, "cuMemcpy3DAsync", copy3d_async),
    ENTRY(W_BATCH_ASYNC, "cuMemcpyBatchAsync", batch_async),
    ENTRY(W_MEMSET_D8, "cuMemsetD8", memset_d8), ENTRY(W_MEMSET_D8_ASYNC, "cuMemsetD8Async", memset_d8_async),
    ENTRY(W_MEMSET_D16, "cuMemsetD16", memset_d16),
    ENTRY(W_MEMSET_D16_ASYNC, "cuMemsetD16Async", memset_d16_async),
    ENTRY(W_MEMSET_D32, "cuMemsetD32", memset_d32),
    ENTRY(W_MEMSET_D32_ASYNC, "cuMemsetD32Async", memset_d32_async),
    ENTRY(W_ALLOC, "cuMemAlloc", alloc), ENTRY(W_ALLOC_HOST, "cuMemAllocHost", alloc_host),
    ENTRY(W_HOST_ALLOC, "cuMemHostAlloc", host_alloc), ENTRY(W_ALLOC_ASYNC, "cuMemAllocAsync", alloc_async),
    ENTRY(W_FREE, "cuMemFree", free), ENTRY(W_FREE_HOST, "cuMemFreeHost", free_host),
    ENTRY(W_ALLOC_MANAGED, "cuMemAllocManaged", alloc_managed),
    ENTRY(W_HOST_REGISTER, "cuMemHostRegister", host_register),
    ENTRY(W_HOST_UNREGISTER, "cuMemHostUnregister", host_unregister),
    ENTRY(W_STREAM_SYNC, "cuStreamSynchronize", stream_sync), ENTRY(W_EVENT_SYNC, "cuEventSynchronize", event_sync),
    ENTRY(W_CTX_SYNC, "cuCtxSynchronize", ctx_sync),
    ENTRY(W_EVENT_RECORD, "cuEventRecord", event_record),
    ENTRY(W_EVENT_RECORD_FLAGS, "cuEventRecordWithFlags", event_record_flags),
    ENTRY(W_LAUNCH, "cuLaunchKernel", launch), ENTRY(W_LAUNCH_EX, "cuLaunchKernelEx", launch_ex),
    ENTRY(W_GRAPH_LAUNCH, "cuGraphLaunch", graph_launch),
};

/* ---- runtime copy calls (by symbol) ---- */

/* cudaMemcpyKind: 0 host-host, 1 host-device, 2 device-host, 3 device-device, 4 default (unified addressing). */
typedef int (*cuda_memcpy_t)(void *, const void *, size_t, int);
typedef int (*cuda_memcpy_async_t)(void *, const void *, size_t, int, void *);
static cuda_memcpy_t real_cuda_memcpy;
static cuda_memcpy_async_t real_cuda_memcpy_async;

static void *next_symbol(const char *name) {
    return real_dlsym(RTLD_NEXT, name);
}

/* Records a runtime copy with its driver call's details, or (no driver call) what its arguments say. */
static void leave_runtime(struct call c, uint16_t api, int status, void *dst, const void *src, size_t bytes,
                          int kind, void *stream, int async) {
    runtime_call.depth--;
    uint64_t end = bw_now_ns();
    if (c.cupti) {
        bw_cupti_pop_correlation();
    }
    struct bw_event e;
    if (runtime_call.have_details) {
        e = runtime_call.details;
    } else {
        memset(&e, 0, sizeof(e));
        if (kind == 1 || kind == 2) {
            e.direction = kind == 1 ? BW_DIR_H2D : BW_DIR_D2H;
            e.memory = memory_kind(kind == 1 ? src : dst);
        } else {
            classify(dst, src, &e.direction, &e.memory);
        }
        e.bytes = bytes;
        e.stream = (uint64_t) (uintptr_t) stream;
        fill_context(&e);
    }
    e.api = api;
    e.status = status != 0 ? status : e.status;
    e.pid = bw_pid();
    e.tid = bw_tid();
    e.flags = async ? BW_FLAG_ASYNC : 0;
    e.correlation = c.correlation;
    e.start_ns = c.start_ns;
    e.end_ns = end;
    bw_emit_event(BW_REC_API_CALL, &e);
}

static struct call enter_runtime(void) {
    bw_agent_init();
    struct call c = enter();
    runtime_call.depth++;
    runtime_call.correlation = c.correlation;
    runtime_call.have_details = 0;
    return c;
}

BW_EXPORT int cudaMemcpy(void *dst, const void *src, size_t bytes, int kind) {
    if (real_cuda_memcpy == NULL) {
        real_cuda_memcpy = (cuda_memcpy_t) next_symbol("cudaMemcpy");
    }
    if (runtime_call.depth > 0) {
        return real_cuda_memcpy(dst, src, bytes, kind);
    }
    struct call c = enter_runtime();
    int status = real_cuda_memcpy(dst, src, bytes, kind);
    leave_runtime(c, BW_API_CUDA_MEMCPY, status, dst, src, bytes, kind, NULL, 0);
    return status;
}

BW_EXPORT int cudaMemcpyAsync(void *dst, const void *src, size_t bytes, int kind, void *stream) {
    if (real_cuda_memcpy_async == NULL) {
        real_cuda_memcpy_async = (cuda_memcpy_async_t) next_symbol("cudaMemcpyAsync");
    }
    if (runtime_call.depth > 0) {
        return real_cuda_memcpy_async(dst, src, bytes, kind, stream);
    }
    struct call c = enter_runtime();
    int status = real_cuda_memcpy_async(dst, src, bytes, kind, stream);
    leave_runtime(c, BW_API_CUDA_MEMCPY_ASYNC, status, dst, src, bytes, kind, stream, 1);
    return status;
}

struct bw_dim3 {
    unsigned int x, y, z; /* the runtime's dim3, passed by value */
};

/* The leading fields of the runtime's cudaLaunchConfig_t. */
struct bw_launch_config {
    struct bw_dim3 grid;
    struct bw_dim3 block;
    size_t dynamic_shared;
    void *stream;
};

typedef int (*cuda_launch_kernel_t)(const void *, struct bw_dim3, struct bw_dim3, void **, size_t, void *);
typedef int (*cuda_launch_kernel_ex_t)(const struct bw_launch_config *, const void *, void **);
static cuda_launch_kernel_t real_cuda_launch_kernel;
static cuda_launch_kernel_t real_cuda_launch_kernel_stub;
static cuda_launch_kernel_t real_cuda_launch_kernel_stub_per_thread;
static cuda_launch_kernel_ex_t real_cuda_launch_kernel_ex;

static void leave_runtime_launch(struct call c, int status, struct bw_dim3 grid, struct bw_dim3 block,
                                 void *stream) {
    runtime_call.depth--;
    unsigned int g[3] = {grid.x, grid.y, grid.z};
    unsigned int b[3] = {block.x, block.y, block.z};
    leave_launch(c, BW_API_CUDA_LAUNCH_KERNEL, (CUresult) status, (CUstream) stream, g, b);
}

/* A runtime launch entry point with cudaLaunchKernel's arguments; real is resolved once by name. */
static int launch_through(cuda_launch_kernel_t *real, const char *name, const void *function, struct bw_dim3 grid,
                          struct bw_dim3 block, void **args, size_t shared, void *stream) {
    if (*real == NULL) {
        *real = (cuda_launch_kernel_t) next_symbol(name);
    }
    if (runtime_call.depth > 0) {
        return (*real)(function, grid, block, args, shared, stream);
    }
    struct call c = enter_runtime();
    int status = (*real)(function, grid, block, args, shared, stream);
    leave_runtime_launch(c, status, grid, block, stream);
    return status;
}

BW_EXPORT int cudaLaunchKernel(const void *function, struct bw_dim3 grid, struct bw_dim3 block, void **args,
                               size_t shared, void *stream) {
    return launch_through(&real_cuda_launch_kernel, "cudaLaunchKernel", function, grid, block, args, shared, stream);
}

/* What nvcc's generated launch code calls (CUDA 13 crt/device_functions.h); PyTorch's kernels come this way. */
BW_EXPORT int __cudaLaunchKernel(const void *kernel, struct bw_dim3 grid, struct bw_dim3 block, void **args,
                                 size_t shared, void *stream) {
    return launch_through(&real_cuda_launch_kernel_stub, "__cudaLaunchKernel", kernel, grid, block, args, shared,
                          stream);
}

BW_EXPORT int __cudaLaunchKernel_ptsz(const void *kernel, struct bw_dim3 grid, struct bw_dim3 block, void **args,
                                      size_t shared, void *stream) {
    return launch_through(&real_cuda_launch_kernel_stub_per_thread, "__cudaLaunchKernel_ptsz", kernel, grid, block,
                          args, shared, stream);
}

BW_EXPORT int cudaLaunchKernelExC(const struct bw_launch_config *config, const void *function, void **args) {
    if (real_cuda_launch_kernel_ex == NULL) {
        real_cuda_launch_kernel_ex = (cuda_launch_kernel_ex_t) next_symbol("cudaLaunchKernelExC");
    }
    if (runtime_call.depth > 0) {
        return real_cuda_launch_kernel_ex(config, function, args);
    }
    struct call c = enter_runtime();
    int status = real_cuda_launch_kernel_ex(config, function, args);
    leave_runtime_launch(c, status, config->grid, config->block, config->stream);
    return status;
}

/* ---- lookup hooks ---- */

/* The base name of an exported driver symbol: "cuMemcpyHtoDAsync_v2_ptsz" is cuMemcpyHtoDAsync, per-thread. */
static int base_name(const char *symbol, char *base, size_t size, int *per_thread) {
    size_t n = strlen(symbol);
    if (n + 1 > size) {
        return -1;
    }
    memcpy(base, symbol, n + 1);
    *per_thread = 0;
    if (n > 5 && (strcmp(base + n - 5, "_ptsz") == 0 || strcmp(base + n - 5, "_ptds") == 0)) {
        *per_thread = 1;
        n -= 5;
        base[n] = '\0';
    }
    if (n > 3 && base[n - 3] == '_' && base[n - 2] == 'v' && base[n - 1] >= '2' && base[n - 1] <= '9') {
        base[n - 3] = '\0';
    }
    return 0;
}

static int find(const char *base) {
    for (int w = 0; w < W_COUNT; w++) {
        if (strcmp(entries[w].name, base) == 0) {
            return w;
        }
    }
    return -1;
}

/* The wrapper for a watched entry point (remembering its real function), or the real function itself. */
static void *watch(int w, int per_thread, void *real) {
    if (w < 0 || real == NULL) {
        return real;
    }
    bw_agent_init();
    __atomic_store_n(&entries[w].real[per_thread], real, __ATOMIC_RELEASE);
    return entries[w].wrapper[per_thread];
}

typedef CUresult (*get_proc_address_t)(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *);
static get_proc_address_t real_get_proc_address;

static CUresult bw_get_proc_address(const char *symbol, void **pfn, int cuda_version, cuuint64_t flags,
                                    CUdriverProcAddressQueryResult *status) {
    CUresult result = real_get_proc_address(symbol, pfn, cuda_version, flags, status);
    if (result != CUDA_SUCCESS || pfn == NULL || *pfn == NULL || symbol == NULL) {
        return result;
    }
    if (strcmp(symbol, "cuGetProcAddress") == 0) {
        *pfn = (void *) bw_get_proc_address; /* later lookups come back here */
        return result;
    }
    int w = find(symbol);
    if (w == W_BATCH_ASYNC && cuda_version < 13000) {
        return result; /* the CUDA 12.8 signature (with failIdx) differs: left alone */
    }
    *pfn = watch(w, (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) ? 1 : 0, *pfn);
    return result;
}

BW_EXPORT void *dlsym(void *handle, const char *symbol) {
    void *real = real_dlsym(handle, symbol);
    if (real == NULL || symbol[0] != 'c' || symbol[1] != 'u') {
        return real;
    }
    char base[128];
    int per_thread;
    if (base_name(symbol, base, sizeof(base), &per_thread) != 0) {
        return real;
    }
    if (strcmp(base, "cuGetProcAddress") == 0) {
        bw_agent_init();
        __atomic_store_n(&real_get_proc_address, (get_proc_address_t) real, __ATOMIC_RELEASE);
        return (void *) bw_get_proc_address;
    }
    int w = find(base);
    if (w == W_BATCH_ASYNC && strstr(symbol, "_v2") == NULL) {
        return real; /* the CUDA 12.8 signature */
    }
    return watch(w, per_thread, real);
}
