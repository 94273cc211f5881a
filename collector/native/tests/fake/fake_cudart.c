/*
 * A test runtime standing in for libcudart: its copy, memset and launch entry points (graph launches too) (legacy and per-thread default
 * stream) reach the driver as the real runtime does, through cuGetProcAddress_v2 found by dlsym on libcuda.so.1,
 * at CUDA 12.8 with the per-thread flag for the _ptds/_ptsz ones. Each records its own arguments after its driver
 * call, so the test sees both what reached the runtime and (as the record's details) what reached the driver.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_cuda.h"

#define RUNTIME_VERSION 12080
#define PER_THREAD_DEFAULT_STREAM 2
#define EXPORT __attribute__((visibility("default")))

typedef int (*get_proc_address_t)(const char *, void **, int, uint64_t, int *);

static void *driver(const char *name, int per_thread) {
    static get_proc_address_t get_proc_address;
    if (get_proc_address == NULL) {
        void *cuda = dlopen("libcuda.so.1", RTLD_NOW);
        get_proc_address = (get_proc_address_t) dlsym(cuda, "cuGetProcAddress_v2");
    }
    void *function = NULL;
    int found = 0;
    get_proc_address(name, &function, RUNTIME_VERSION, per_thread ? PER_THREAD_DEFAULT_STREAM : 0, &found);
    return function;
}

typedef int (*unified_copy_t)(uint64_t, uint64_t, size_t);
typedef int (*unified_copy_async_t)(uint64_t, uint64_t, size_t, void *);
typedef int (*htod_t)(uint64_t, const void *, size_t);
typedef int (*htod_async_t)(uint64_t, const void *, size_t, void *);
typedef int (*dtoh_t)(void *, uint64_t, size_t);
typedef int (*dtoh_async_t)(void *, uint64_t, size_t, void *);

/* cudaMemcpyKind 1 host to device, 2 device to host; anything else goes as a unified-address copy. */
static int copy(int per_thread, const char *name, void *dst, const void *src, size_t bytes, int kind, void *stream,
                int async) {
    int status;
    if (kind == 1) {
        status = async ? ((htod_async_t) driver("cuMemcpyHtoDAsync", per_thread))((uintptr_t) dst, src, bytes, stream)
                       : ((htod_t) driver("cuMemcpyHtoD", per_thread))((uintptr_t) dst, src, bytes);
    } else if (kind == 2) {
        status = async ? ((dtoh_async_t) driver("cuMemcpyDtoHAsync", per_thread))(dst, (uintptr_t) src, bytes, stream)
                       : ((dtoh_t) driver("cuMemcpyDtoH", per_thread))(dst, (uintptr_t) src, bytes);
    } else {
        status = async ? ((unified_copy_async_t) driver("cuMemcpyAsync", per_thread))((uintptr_t) dst, (uintptr_t) src,
                                                                                      bytes, stream)
                       : ((unified_copy_t) driver("cuMemcpy", per_thread))((uintptr_t) dst, (uintptr_t) src, bytes);
    }
    uint64_t args[5] = {(uintptr_t) dst, (uintptr_t) src, bytes, (uint64_t) kind, (uintptr_t) stream};
    fake_record(name, args, 5);
    return status;
}

EXPORT int cudaMemcpy(void *dst, const void *src, size_t bytes, int kind) {
    return copy(0, "cudaMemcpy", dst, src, bytes, kind, NULL, 0);
}

EXPORT int cudaMemcpy_ptds(void *dst, const void *src, size_t bytes, int kind) {
    return copy(1, "cudaMemcpy_ptds", dst, src, bytes, kind, NULL, 0);
}

EXPORT int cudaMemcpyAsync(void *dst, const void *src, size_t bytes, int kind, void *stream) {
    return copy(0, "cudaMemcpyAsync", dst, src, bytes, kind, stream, 1);
}

EXPORT int cudaMemcpyAsync_ptsz(void *dst, const void *src, size_t bytes, int kind, void *stream) {
    return copy(1, "cudaMemcpyAsync_ptsz", dst, src, bytes, kind, stream, 1);
}

typedef int (*memset_d8_t)(uint64_t, unsigned char, size_t);
typedef int (*memset_d8_async_t)(uint64_t, unsigned char, size_t, void *);

static int set(int per_thread, const char *name, void *dst, int value, size_t bytes, void *stream, int async) {
    int status = async ? ((memset_d8_async_t) driver("cuMemsetD8Async", per_thread))((uintptr_t) dst,
                                                                                    (unsigned char) value, bytes, stream)
                       : ((memset_d8_t) driver("cuMemsetD8", per_thread))((uintptr_t) dst, (unsigned char) value, bytes);
    uint64_t args[4] = {(uintptr_t) dst, (uint64_t) value, bytes, (uintptr_t) stream};
    fake_record(name, args, 4);
    return status;
}

EXPORT int cudaMemset(void *dst, int value, size_t bytes) {
    return set(0, "cudaMemset", dst, value, bytes, NULL, 0);
}

EXPORT int cudaMemset_ptds(void *dst, int value, size_t bytes) {
    return set(1, "cudaMemset_ptds", dst, value, bytes, NULL, 0);
}

EXPORT int cudaMemsetAsync(void *dst, int value, size_t bytes, void *stream) {
    return set(0, "cudaMemsetAsync", dst, value, bytes, stream, 1);
}

EXPORT int cudaMemsetAsync_ptsz(void *dst, int value, size_t bytes, void *stream) {
    return set(1, "cudaMemsetAsync_ptsz", dst, value, bytes, stream, 1);
}

typedef int (*graph_launch_t)(void *, void *);

static int graph_launch(int per_thread, const char *name, void *graph, void *stream) {
    int status = ((graph_launch_t) driver("cuGraphLaunch", per_thread))(graph, stream);
    uint64_t args[2] = {(uintptr_t) graph, (uintptr_t) stream};
    fake_record(name, args, 2);
    return status;
}

EXPORT int cudaGraphLaunch(void *graph, void *stream) {
    return graph_launch(0, "cudaGraphLaunch", graph, stream);
}

EXPORT int cudaGraphLaunch_ptsz(void *graph, void *stream) {
    return graph_launch(1, "cudaGraphLaunch_ptsz", graph, stream);
}

struct dim3 {
    unsigned int x, y, z;
};

struct launch_config {
    struct dim3 grid;
    struct dim3 block;
    size_t dynamic_shared;
    void *stream;
};

typedef int (*launch_t)(const void *, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int,
                        unsigned int, unsigned int, void *, void **, void **);

static int launch(int per_thread, const char *name, const void *function, struct dim3 grid, struct dim3 block,
                  void **args, size_t shared, void *stream) {
    int status = ((launch_t) driver("cuLaunchKernel", per_thread))(function, grid.x, grid.y, grid.z, block.x, block.y,
                                                                   block.z, (unsigned int) shared, stream, args, NULL);
    uint64_t seen[10] = {(uintptr_t) function, grid.x, grid.y, grid.z, block.x, block.y, block.z, (uintptr_t) args,
                         shared, (uintptr_t) stream};
    fake_record(name, seen, 10);
    return status;
}

EXPORT int cudaLaunchKernel(const void *f, struct dim3 grid, struct dim3 block, void **args, size_t shared,
                            void *stream) {
    return launch(0, "cudaLaunchKernel", f, grid, block, args, shared, stream);
}

EXPORT int cudaLaunchKernel_ptsz(const void *f, struct dim3 grid, struct dim3 block, void **args, size_t shared,
                                 void *stream) {
    return launch(1, "cudaLaunchKernel_ptsz", f, grid, block, args, shared, stream);
}

EXPORT int __cudaLaunchKernel(const void *f, struct dim3 grid, struct dim3 block, void **args, size_t shared,
                              void *stream) {
    return launch(0, "__cudaLaunchKernel", f, grid, block, args, shared, stream);
}

EXPORT int __cudaLaunchKernel_ptsz(const void *f, struct dim3 grid, struct dim3 block, void **args, size_t shared,
                                   void *stream) {
    return launch(1, "__cudaLaunchKernel_ptsz", f, grid, block, args, shared, stream);
}

EXPORT int cudaLaunchKernelExC(const struct launch_config *config, const void *f, void **args) {
    return launch(0, "cudaLaunchKernelExC", f, config->grid, config->block, args, config->dynamic_shared,
                  config->stream);
}

EXPORT int cudaLaunchKernelExC_ptsz(const struct launch_config *config, const void *f, void **args) {
    return launch(1, "cudaLaunchKernelExC_ptsz", f, config->grid, config->block, args, config->dynamic_shared,
                  config->stream);
}
