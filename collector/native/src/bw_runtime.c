/*
 * The runtime's copy, memset and launch entry points (graph launches too), wrapped by symbol (the application links them): their host time is
 * what the application waits, including the runtime's share, and is what profilers report; and CUPTI ties GPU
 * activity to the runtime call, so the correlation id must be pushed at its entry. The driver call the runtime
 * makes inside adds its details (direction, memory kind, context) to the runtime call's record instead of
 * recording itself, so each copy or launch is one record. Each entry point, the legacy and the per-thread default
 * stream one (_ptds, _ptsz), calls the real function of its own name.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "bw_interpose.h"

static void *next_symbol(const char *name) {
    return bw_real_dlsym(RTLD_NEXT, name);
}

/* The real function of a runtime entry point, resolved once. */
#define RESOLVED(slot, name, type) \
    ((slot) != NULL ? (slot) : ((slot) = (type) next_symbol(name)))

/* ---- copies ---- */

/* cudaMemcpyKind: 0 host-host, 1 host-device, 2 device-host, 3 device-device, 4 default (unified addressing). */
typedef int (*cuda_memcpy_t)(void *, const void *, size_t, int);
typedef int (*cuda_memcpy_async_t)(void *, const void *, size_t, int, void *);
static cuda_memcpy_t real_cuda_memcpy[2];
static cuda_memcpy_async_t real_cuda_memcpy_async[2];

static struct bw_call enter_runtime(int per_thread) {
    bw_agent_init();
    struct bw_call c = bw_enter(per_thread);
    bw_runtime_call.depth++;
    bw_runtime_call.correlation = c.correlation;
    bw_runtime_call.have_details = 0;
    return c;
}

/* Leaves a runtime call: returns when it returned, and starts its record from the driver call's details where the
 * runtime made one (the caller fills in what the runtime call's own arguments say otherwise). */
static uint64_t leave_runtime(struct bw_call c, struct bw_event *e) {
    bw_runtime_call.depth--;
    uint64_t end = bw_now_ns();
    if (c.cupti) {
        bw_cupti_pop_correlation();
    }
    if (bw_runtime_call.have_details) {
        *e = bw_runtime_call.details;
    } else {
        memset(e, 0, sizeof(*e));
    }
    return end;
}

static void record_runtime(struct bw_call c, uint16_t api, int status, struct bw_event *e, int async, uint64_t end) {
    e->api = api;
    e->status = status != 0 ? status : e->status;
    e->pid = bw_pid();
    e->tid = bw_tid();
    e->flags = (async ? BW_FLAG_ASYNC : 0) | (c.per_thread ? BW_FLAG_PER_THREAD_STREAM : 0);
    e->correlation = c.correlation;
    e->start_ns = c.start_ns;
    e->end_ns = end;
    bw_emit_event(BW_REC_API_CALL, e);
}

/* Records a runtime copy with its driver call's details, or (no driver call) what its arguments say. */
static void leave_runtime_copy(struct bw_call c, uint16_t api, int status, void *dst, const void *src, size_t bytes,
                               int kind, void *stream, int async) {
    struct bw_event e;
    uint64_t end = leave_runtime(c, &e);
    if (!bw_runtime_call.have_details) {
        if (kind == 1 || kind == 2) {
            e.direction = kind == 1 ? BW_DIR_H2D : BW_DIR_D2H;
            e.memory = bw_memory_kind(kind == 1 ? src : dst);
        } else {
            bw_classify(dst, src, &e.direction, &e.memory);
        }
        e.bytes = bytes;
        e.stream = (uint64_t) (uintptr_t) stream;
        bw_fill_context(&e);
    }
    record_runtime(c, api, status, &e, async, end);
}

static int memcpy_through(int per_thread, const char *name, void *dst, const void *src, size_t bytes, int kind) {
    cuda_memcpy_t real = RESOLVED(real_cuda_memcpy[per_thread], name, cuda_memcpy_t);
    if (bw_runtime_call.depth > 0) {
        return real(dst, src, bytes, kind);
    }
    struct bw_call c = enter_runtime(per_thread);
    int status = real(dst, src, bytes, kind);
    leave_runtime_copy(c, BW_API_CUDA_MEMCPY, status, dst, src, bytes, kind, NULL, 0);
    return status;
}

static int memcpy_async_through(int per_thread, const char *name, void *dst, const void *src, size_t bytes, int kind,
                                void *stream) {
    cuda_memcpy_async_t real = RESOLVED(real_cuda_memcpy_async[per_thread], name, cuda_memcpy_async_t);
    if (bw_runtime_call.depth > 0) {
        return real(dst, src, bytes, kind, stream);
    }
    struct bw_call c = enter_runtime(per_thread);
    int status = real(dst, src, bytes, kind, stream);
    leave_runtime_copy(c, BW_API_CUDA_MEMCPY_ASYNC, status, dst, src, bytes, kind, stream, 1);
    return status;
}

BW_EXPORT int cudaMemcpy(void *dst, const void *src, size_t bytes, int kind) {
    return memcpy_through(0, "cudaMemcpy", dst, src, bytes, kind);
}

BW_EXPORT int cudaMemcpy_ptds(void *dst, const void *src, size_t bytes, int kind) {
    return memcpy_through(1, "cudaMemcpy_ptds", dst, src, bytes, kind);
}

BW_EXPORT int cudaMemcpyAsync(void *dst, const void *src, size_t bytes, int kind, void *stream) {
    return memcpy_async_through(0, "cudaMemcpyAsync", dst, src, bytes, kind, stream);
}

BW_EXPORT int cudaMemcpyAsync_ptsz(void *dst, const void *src, size_t bytes, int kind, void *stream) {
    return memcpy_async_through(1, "cudaMemcpyAsync_ptsz", dst, src, bytes, kind, stream);
}

/* ---- memsets ---- */

typedef int (*cuda_memset_t)(void *, int, size_t);
typedef int (*cuda_memset_async_t)(void *, int, size_t, void *);
static cuda_memset_t real_cuda_memset[2];
static cuda_memset_async_t real_cuda_memset_async[2];

/* Records a runtime memset with its driver call's details, or (no driver call) what its arguments say. */
static void leave_runtime_memset(struct bw_call c, uint16_t api, int status, size_t bytes, void *stream, int async) {
    struct bw_event e;
    uint64_t end = leave_runtime(c, &e);
    if (!bw_runtime_call.have_details) {
        e.direction = BW_DIR_D2D;
        e.memory = BW_MEM_DEVICE;
        e.bytes = bytes;
        e.stream = (uint64_t) (uintptr_t) stream;
        bw_fill_context(&e);
    }
    record_runtime(c, api, status, &e, async, end);
}

static int memset_through(int per_thread, const char *name, void *dst, int value, size_t bytes) {
    cuda_memset_t real = RESOLVED(real_cuda_memset[per_thread], name, cuda_memset_t);
    if (bw_runtime_call.depth > 0) {
        return real(dst, value, bytes);
    }
    struct bw_call c = enter_runtime(per_thread);
    int status = real(dst, value, bytes);
    leave_runtime_memset(c, BW_API_CUDA_MEMSET, status, bytes, NULL, 0);
    return status;
}

static int memset_async_through(int per_thread, const char *name, void *dst, int value, size_t bytes, void *stream) {
    cuda_memset_async_t real = RESOLVED(real_cuda_memset_async[per_thread], name, cuda_memset_async_t);
    if (bw_runtime_call.depth > 0) {
        return real(dst, value, bytes, stream);
    }
    struct bw_call c = enter_runtime(per_thread);
    int status = real(dst, value, bytes, stream);
    leave_runtime_memset(c, BW_API_CUDA_MEMSET_ASYNC, status, bytes, stream, 1);
    return status;
}

BW_EXPORT int cudaMemset(void *dst, int value, size_t bytes) {
    return memset_through(0, "cudaMemset", dst, value, bytes);
}

BW_EXPORT int cudaMemset_ptds(void *dst, int value, size_t bytes) {
    return memset_through(1, "cudaMemset_ptds", dst, value, bytes);
}

BW_EXPORT int cudaMemsetAsync(void *dst, int value, size_t bytes, void *stream) {
    return memset_async_through(0, "cudaMemsetAsync", dst, value, bytes, stream);
}

BW_EXPORT int cudaMemsetAsync_ptsz(void *dst, int value, size_t bytes, void *stream) {
    return memset_async_through(1, "cudaMemsetAsync_ptsz", dst, value, bytes, stream);
}

/* ---- launches ---- */

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
static cuda_launch_kernel_t real_cuda_launch_kernel[2];
static cuda_launch_kernel_t real_cuda_launch_kernel_stub[2];
static cuda_launch_kernel_ex_t real_cuda_launch_kernel_ex[2];

static void leave_runtime_launch(struct bw_call c, int status, struct bw_dim3 grid, struct bw_dim3 block,
                                 void *stream) {
    bw_runtime_call.depth--;
    unsigned int g[3] = {grid.x, grid.y, grid.z};
    unsigned int b[3] = {block.x, block.y, block.z};
    bw_leave_launch(c, BW_API_CUDA_LAUNCH_KERNEL, (CUresult) status, (CUstream) stream, g, b);
}

/* A runtime launch entry point with cudaLaunchKernel's arguments. */
static int launch_through(cuda_launch_kernel_t *real, int per_thread, const char *name, const void *function,
                          struct bw_dim3 grid, struct bw_dim3 block, void **args, size_t shared, void *stream) {
    cuda_launch_kernel_t call = RESOLVED(*real, name, cuda_launch_kernel_t);
    if (bw_runtime_call.depth > 0) {
        return call(function, grid, block, args, shared, stream);
    }
    struct bw_call c = enter_runtime(per_thread);
    int status = call(function, grid, block, args, shared, stream);
    leave_runtime_launch(c, status, grid, block, stream);
    return status;
}

BW_EXPORT int cudaLaunchKernel(const void *function, struct bw_dim3 grid, struct bw_dim3 block, void **args,
                               size_t shared, void *stream) {
    return launch_through(&real_cuda_launch_kernel[0], 0, "cudaLaunchKernel", function, grid, block, args, shared,
                          stream);
}

BW_EXPORT int cudaLaunchKernel_ptsz(const void *function, struct bw_dim3 grid, struct bw_dim3 block, void **args,
                                    size_t shared, void *stream) {
    return launch_through(&real_cuda_launch_kernel[1], 1, "cudaLaunchKernel_ptsz", function, grid, block, args,
                          shared, stream);
}

/* What nvcc's generated launch code calls (CUDA 13 crt/device_functions.h); PyTorch's kernels come this way. */
BW_EXPORT int __cudaLaunchKernel(const void *kernel, struct bw_dim3 grid, struct bw_dim3 block, void **args,
                                 size_t shared, void *stream) {
    return launch_through(&real_cuda_launch_kernel_stub[0], 0, "__cudaLaunchKernel", kernel, grid, block, args,
                          shared, stream);
}

BW_EXPORT int __cudaLaunchKernel_ptsz(const void *kernel, struct bw_dim3 grid, struct bw_dim3 block, void **args,
                                      size_t shared, void *stream) {
    return launch_through(&real_cuda_launch_kernel_stub[1], 1, "__cudaLaunchKernel_ptsz", kernel, grid, block, args,
                          shared, stream);
}

static int launch_ex_through(int per_thread, const char *name, const struct bw_launch_config *config,
                             const void *function, void **args) {
    cuda_launch_kernel_ex_t real = RESOLVED(real_cuda_launch_kernel_ex[per_thread], name, cuda_launch_kernel_ex_t);
    if (bw_runtime_call.depth > 0) {
        return real(config, function, args);
    }
    struct bw_call c = enter_runtime(per_thread);
    int status = real(config, function, args);
    leave_runtime_launch(c, status, config->grid, config->block, config->stream);
    return status;
}

BW_EXPORT int cudaLaunchKernelExC(const struct bw_launch_config *config, const void *function, void **args) {
    return launch_ex_through(0, "cudaLaunchKernelExC", config, function, args);
}

BW_EXPORT int cudaLaunchKernelExC_ptsz(const struct bw_launch_config *config, const void *function, void **args) {
    return launch_ex_through(1, "cudaLaunchKernelExC_ptsz", config, function, args);
}

/* A graph launch: CUPTI ties every copy and kernel the graph runs to the runtime call, so it is wrapped here too. */
typedef int (*cuda_graph_launch_t)(void *, void *);
static cuda_graph_launch_t real_cuda_graph_launch[2];

static int graph_launch_through(int per_thread, const char *name, void *graph, void *stream) {
    cuda_graph_launch_t real = RESOLVED(real_cuda_graph_launch[per_thread], name, cuda_graph_launch_t);
    if (bw_runtime_call.depth > 0) {
        return real(graph, stream);
    }
    struct bw_call c = enter_runtime(per_thread);
    int status = real(graph, stream);
    bw_runtime_call.depth--;
    bw_leave_launch(c, BW_API_CUDA_GRAPH_LAUNCH, (CUresult) status, (CUstream) stream, NULL, NULL);
    return status;
}

BW_EXPORT int cudaGraphLaunch(void *graph, void *stream) {
    return graph_launch_through(0, "cudaGraphLaunch", graph, stream);
}

BW_EXPORT int cudaGraphLaunch_ptsz(void *graph, void *stream) {
    return graph_launch_through(1, "cudaGraphLaunch_ptsz", graph, stream);
}
