/*
 * A test driver standing in for libcuda.so.1: exports every name the agent's ABI rows know (wrapped and passed
 * through), and cuGetProcAddress v1 (CUDA 11.3, four arguments) and v2 (CUDA 12.0, five), which resolve
 * (name, version, stream variant) to an export as the driver does. Each entry point records its raw arguments.
 *
 * The entry points are defined with eleven integer parameters, the most any watched signature has, whatever the
 * signature they stand for: on x86-64 and AArch64 a callee reads its integer arguments from fixed registers and then
 * the caller's stack, so an entry point sees exactly the values its caller passed in the places the real signature
 * puts them, and the test compares them with what it passed (the extra parameters are whatever the registers and
 * the caller's frame hold, and are not looked at).
 */
#define _GNU_SOURCE
#include "fake_cuda.h"

#include <stddef.h>
#include <string.h>

#include "bw_abi.h"

static __thread struct fake_call last;
static __thread uint64_t calls;
static int return_code;

const struct fake_call *fake_last_call(void) { return &last; }
uint64_t fake_call_count(void) { return calls; }
void fake_return(int code) { __atomic_store_n(&return_code, code, __ATOMIC_RELEASE); }

int fake_record(const char *function, const uint64_t *args, int count) {
    last.function = function;
    memset(last.args, 0, sizeof(last.args));
    memcpy(last.args, args, sizeof(uint64_t) * (size_t) count);
    calls++;
    return __atomic_load_n(&return_code, __ATOMIC_ACQUIRE);
}

#define ENTRY_POINT(name)                                                                                   \
    __attribute__((visibility("default"))) int name(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,   \
                                                    uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,   \
                                                    uint64_t a8, uint64_t a9, uint64_t a10) {             \
        uint64_t args[FAKE_MAX_ARGS] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10};                     \
        return fake_record(#name, args, FAKE_MAX_ARGS);                                                    \
    }

/* Every exported name of bw_abi.h's rows. */
#define EXPORTS(X)                                                                                            \
    X(cuMemcpy) X(cuMemcpy_ptds) X(cuMemcpyAsync) X(cuMemcpyAsync_ptsz)                                       \
    X(cuMemcpyHtoD) X(cuMemcpyHtoD_v2) X(cuMemcpyHtoD_v2_ptds)                                                \
    X(cuMemcpyHtoDAsync) X(cuMemcpyHtoDAsync_v2) X(cuMemcpyHtoDAsync_v2_ptsz)                                 \
    X(cuMemcpyDtoH) X(cuMemcpyDtoH_v2) X(cuMemcpyDtoH_v2_ptds)                                                \
    X(cuMemcpyDtoHAsync) X(cuMemcpyDtoHAsync_v2) X(cuMemcpyDtoHAsync_v2_ptsz)                                 \
    X(cuMemcpyDtoD) X(cuMemcpyDtoD_v2) X(cuMemcpyDtoD_v2_ptds)                                                \
    X(cuMemcpyDtoDAsync) X(cuMemcpyDtoDAsync_v2) X(cuMemcpyDtoDAsync_v2_ptsz)                                 \
    X(cuMemcpyHtoA) X(cuMemcpyHtoA_v2) X(cuMemcpyHtoA_v2_ptds)                                                \
    X(cuMemcpyHtoAAsync) X(cuMemcpyHtoAAsync_v2) X(cuMemcpyHtoAAsync_v2_ptsz)                                 \
    X(cuMemcpyAtoH) X(cuMemcpyAtoH_v2) X(cuMemcpyAtoH_v2_ptds)                                                \
    X(cuMemcpyAtoHAsync) X(cuMemcpyAtoHAsync_v2) X(cuMemcpyAtoHAsync_v2_ptsz)                                 \
    X(cuMemcpyPeer) X(cuMemcpyPeer_ptds) X(cuMemcpyPeerAsync) X(cuMemcpyPeerAsync_ptsz)                       \
    X(cuMemcpy2D) X(cuMemcpy2D_v2) X(cuMemcpy2D_v2_ptds)                                                      \
    X(cuMemcpy2DUnaligned) X(cuMemcpy2DUnaligned_v2) X(cuMemcpy2DUnaligned_v2_ptds)                           \
    X(cuMemcpy2DAsync) X(cuMemcpy2DAsync_v2) X(cuMemcpy2DAsync_v2_ptsz)                                       \
    X(cuMemcpy3D) X(cuMemcpy3D_v2) X(cuMemcpy3D_v2_ptds)                                                      \
    X(cuMemcpy3DAsync) X(cuMemcpy3DAsync_v2) X(cuMemcpy3DAsync_v2_ptsz)                                       \
    X(cuMemcpy3DPeer) X(cuMemcpy3DPeer_ptds) X(cuMemcpy3DPeerAsync) X(cuMemcpy3DPeerAsync_ptsz)               \
    X(cuMemcpyBatchAsync) X(cuMemcpyBatchAsync_ptsz) X(cuMemcpyBatchAsync_v2) X(cuMemcpyBatchAsync_v2_ptsz)   \
    X(cuMemcpy3DBatchAsync) X(cuMemcpy3DBatchAsync_ptsz) X(cuMemcpy3DBatchAsync_v2)                           \
    X(cuMemcpy3DBatchAsync_v2_ptsz)                                                                           \
    X(cuMemsetD8) X(cuMemsetD8_v2) X(cuMemsetD8_v2_ptds) X(cuMemsetD8Async) X(cuMemsetD8Async_ptsz)           \
    X(cuMemsetD16) X(cuMemsetD16_v2) X(cuMemsetD16_v2_ptds) X(cuMemsetD16Async) X(cuMemsetD16Async_ptsz)      \
    X(cuMemsetD32) X(cuMemsetD32_v2) X(cuMemsetD32_v2_ptds) X(cuMemsetD32Async) X(cuMemsetD32Async_ptsz)      \
    X(cuMemAlloc) X(cuMemAlloc_v2) X(cuMemAllocHost) X(cuMemAllocHost_v2) X(cuMemHostAlloc)                   \
    X(cuMemAllocAsync) X(cuMemAllocAsync_ptsz) X(cuMemAllocManaged) X(cuMemFree) X(cuMemFree_v2)              \
    X(cuMemFreeHost) X(cuMemHostRegister) X(cuMemHostRegister_v2) X(cuMemHostUnregister)                      \
    X(cuStreamSynchronize) X(cuStreamSynchronize_ptsz) X(cuEventSynchronize)                                  \
    X(cuCtxSynchronize) X(cuCtxSynchronize_v2) X(cuEventRecord) X(cuEventRecord_ptsz)                         \
    X(cuEventRecordWithFlags) X(cuEventRecordWithFlags_ptsz) X(cuLaunchKernel) X(cuLaunchKernel_ptsz)         \
    X(cuLaunchKernelEx) X(cuLaunchKernelEx_ptsz) X(cuGraphLaunch) X(cuGraphLaunch_ptsz)

EXPORTS(ENTRY_POINT)

struct export {
    const char *name;
    void *function;
};

#define EXPORT_ROW(name) {#name, (void *) name},
static const struct export exports[] = {EXPORTS(EXPORT_ROW)};

void *fake_function(const char *exported) {
    for (size_t i = 0; i < sizeof(exports) / sizeof(exports[0]); i++) {
        if (strcmp(exports[i].name, exported) == 0) {
            return exports[i].function;
        }
    }
    return NULL;
}

/* ---- what the agent asks the driver itself ---- */

#define CUDA_SUCCESS 0
#define CUDA_ERROR_INVALID_VALUE 1
#define CUDA_ERROR_NOT_FOUND 500
#define CU_POINTER_ATTRIBUTE_MEMORY_TYPE 2
#define CU_POINTER_ATTRIBUTE_IS_MANAGED 8
#define CU_MEMORYTYPE_HOST 1
#define CU_MEMORYTYPE_DEVICE 2
#define PER_THREAD_DEFAULT_STREAM 2

static struct {
    uintptr_t start;
    uint64_t bytes;
} pinned[64];
static int pinned_count;

void fake_pin(const void *pointer, uint64_t bytes) {
    pinned[pinned_count].start = (uintptr_t) pointer;
    pinned[pinned_count].bytes = bytes;
    pinned_count++;
}

__attribute__((visibility("default"))) int cuPointerGetAttribute(void *data, int attribute, uint64_t pointer) {
    unsigned int type = 0;
    if (pointer >= FAKE_DEVICE_BASE) {
        type = CU_MEMORYTYPE_DEVICE;
    }
    for (int i = 0; i < pinned_count; i++) {
        if (pointer >= pinned[i].start && pointer < pinned[i].start + pinned[i].bytes) {
            type = CU_MEMORYTYPE_HOST;
        }
    }
    if (type == 0) {
        return CUDA_ERROR_INVALID_VALUE; /* pageable memory the driver does not know */
    }
    *(unsigned int *) data = attribute == CU_POINTER_ATTRIBUTE_IS_MANAGED ? 0 : type;
    return CUDA_SUCCESS;
}

__attribute__((visibility("default"))) int cuCtxGetCurrent(void **context) {
    *context = (void *) 0xC0C0;
    return CUDA_SUCCESS;
}

__attribute__((visibility("default"))) int cuCtxGetDevice(int *device) {
    *device = 3;
    return CUDA_SUCCESS;
}

/* ---- cuGetProcAddress ---- */

__attribute__((visibility("default"))) int cuGetProcAddress_v2(const char *symbol, void **pfn, int version,
                                                               uint64_t flags, int *status);
__attribute__((visibility("default"))) int cuGetProcAddress(const char *symbol, void **pfn, int version,
                                                            uint64_t flags);

static uint64_t v1_calls, v2_calls;

static int resolve(const char *symbol, void **pfn, int version, uint64_t flags) {
    const char *exported = bw_abi_export_for_version(symbol, version, (flags & PER_THREAD_DEFAULT_STREAM) != 0);
    if (strcmp(symbol, "cuGetProcAddress") == 0 && version >= 11030) {
        *pfn = version >= 12000 ? (void *) cuGetProcAddress_v2 : (void *) cuGetProcAddress;
    } else {
        *pfn = exported != NULL ? fake_function(exported) : NULL;
    }
    return *pfn != NULL ? CUDA_SUCCESS : CUDA_ERROR_NOT_FOUND;
}

int cuGetProcAddress(const char *symbol, void **pfn, int version, uint64_t flags) {
    __atomic_add_fetch(&v1_calls, 1, __ATOMIC_RELAXED);
    return resolve(symbol, pfn, version, flags);
}

int cuGetProcAddress_v2(const char *symbol, void **pfn, int version, uint64_t flags, int *status) {
    __atomic_add_fetch(&v2_calls, 1, __ATOMIC_RELAXED);
    int result = resolve(symbol, pfn, version, flags);
    if (status != NULL) {
        *status = result == CUDA_SUCCESS ? 0 : 1; /* CU_GET_PROC_ADDRESS_SUCCESS, _SYMBOL_NOT_FOUND */
    }
    return result;
}

/* How often each signature of cuGetProcAddress was entered. */
__attribute__((visibility("default"))) uint64_t fake_get_proc_address_calls(int v2) {
    return __atomic_load_n(v2 ? &v2_calls : &v1_calls, __ATOMIC_RELAXED);
}
