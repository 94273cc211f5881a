/*
 * How the wrappers reach the application. The CUDA runtime does not link the driver's entry points by name: it
 * dlsym()s libcuda for cuGetProcAddress and resolves everything else through it (FEASIBILITY.md section 8). So the
 * agent overrides dlsym: a lookup of cuGetProcAddress (v1, CUDA 11.3, four arguments; or v2, CUDA 12.0, five) gets
 * the agent's hook of that same signature, and a lookup of a watched driver symbol gets the wrapper of the ABI row
 * that symbol names (bw_abi.h). The cuGetProcAddress hooks wrap what the driver returns for (name, version,
 * stream variant) by the row that version resolves to; no row, or a row the agent does not wrap, and the real
 * function is returned untouched.
 *
 * dlsym(RTLD_NEXT, ...) means "the next definition after the caller's object", and glibc finds the caller from the
 * return address: through an override, that would be the agent, and a second interposer looking for the function it
 * wraps would find itself. So RTLD_NEXT lookups are resolved here on behalf of the real caller: the first object
 * after the caller's, in load order, that defines the symbol.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <string.h>

#include <cudaTypedefs.h>

#include "bw_abi.h"
#include "bw_interpose.h"

/* ---- the real dlsym ---- */

typedef void *(*dlsym_t)(void *, const char *);
static dlsym_t real_dlsym_fn;

void *bw_real_dlsym(void *handle, const char *symbol) {
    dlsym_t real = __atomic_load_n(&real_dlsym_fn, __ATOMIC_ACQUIRE);
    if (real == NULL) {
        real = (dlsym_t) dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
        if (real == NULL) {
            real = (dlsym_t) dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
        }
        __atomic_store_n(&real_dlsym_fn, real, __ATOMIC_RELEASE);
    }
    return real(handle, symbol);
}

/* RTLD_NEXT as seen from `caller`: the first later object in load order whose own definition it is. */
static void *next_after(const void *caller, const char *symbol) {
    Dl_info info;
    struct link_map *map = NULL;
    if (dladdr1(caller, &info, (void **) &map, RTLD_DL_LINKMAP) == 0 || map == NULL) {
        return NULL;
    }
    for (struct link_map *later = map->l_next; later != NULL; later = later->l_next) {
        void *handle = dlopen(later->l_name[0] != '\0' ? later->l_name : NULL, RTLD_LAZY | RTLD_NOLOAD);
        if (handle == NULL) {
            continue; /* the vDSO, or an object dlopen does not name */
        }
        void *found = bw_real_dlsym(handle, symbol);
        dlclose(handle);
        Dl_info where;
        struct link_map *owner = NULL;
        if (found != NULL && dladdr1(found, &where, (void **) &owner, RTLD_DL_LINKMAP) != 0 && owner == later) {
            return found; /* defined by this object itself, not by one of its dependencies */
        }
    }
    return NULL;
}

/* ---- cuGetProcAddress, both signatures ---- */

static PFN_cuGetProcAddress_v11030 real_get_proc_address_v1;
static PFN_cuGetProcAddress_v12000 real_get_proc_address_v2;

static CUresult get_proc_address_v1(const char *symbol, void **pfn, int cuda_version, cuuint64_t flags);
static CUresult get_proc_address_v2(const char *symbol, void **pfn, int cuda_version, cuuint64_t flags,
                                    CUdriverProcAddressQueryResult *status);

/* The hook of the same signature as `real`, which it remembers. */
static void *hook_get_proc_address(int v2, void *real) {
    bw_agent_init();
    if (v2) {
        __atomic_store_n(&real_get_proc_address_v2, (PFN_cuGetProcAddress_v12000) real, __ATOMIC_RELEASE);
        return (void *) get_proc_address_v2;
    }
    __atomic_store_n(&real_get_proc_address_v1, (PFN_cuGetProcAddress_v11030) real, __ATOMIC_RELEASE);
    return (void *) get_proc_address_v1;
}

/* Whether `function` is libcuda's export of row `id`: proves the row's signature for versions newer than the rows. */
static int exported_as(int id, int per_thread, void *function) {
    void *cuda = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (cuda == NULL) {
        return 0;
    }
    void *exported = bw_real_dlsym(cuda, bw_abi_export(id, per_thread));
    dlclose(cuda);
    return exported != NULL && exported == function;
}

/* Replaces what the driver handed out for (symbol, version, flags) by its wrapper, where the row is known. */
static void wrap_handed_out(const char *symbol, void **pfn, int cuda_version, cuuint64_t flags) {
    if (symbol == NULL || pfn == NULL || *pfn == NULL) {
        return;
    }
    if (strcmp(symbol, "cuGetProcAddress") == 0) {
        *pfn = hook_get_proc_address(cuda_version >= 12000, *pfn); /* v2 from CUDA 12.0 */
        return;
    }
    int per_thread = (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0;
    int id = bw_abi_for_version(symbol, cuda_version);
    if (id < 0 || (cuda_version > BW_ABI_NEWEST_KNOWN && !exported_as(id, per_thread, *pfn))) {
        return; /* a signature the agent does not wrap, or cannot prove */
    }
    *pfn = bw_wrap(id, per_thread, *pfn);
}

static CUresult get_proc_address_v1(const char *symbol, void **pfn, int cuda_version, cuuint64_t flags) {
    CUresult result = __atomic_load_n(&real_get_proc_address_v1, __ATOMIC_ACQUIRE)(symbol, pfn, cuda_version, flags);
    if (result == CUDA_SUCCESS) {
        wrap_handed_out(symbol, pfn, cuda_version, flags);
    }
    return result;
}

static CUresult get_proc_address_v2(const char *symbol, void **pfn, int cuda_version, cuuint64_t flags,
                                    CUdriverProcAddressQueryResult *status) {
    CUresult result = __atomic_load_n(&real_get_proc_address_v2, __ATOMIC_ACQUIRE)(symbol, pfn, cuda_version, flags,
                                                                                   status);
    if (result == CUDA_SUCCESS) {
        wrap_handed_out(symbol, pfn, cuda_version, flags);
    }
    return result;
}

/* ---- dlsym ---- */

BW_EXPORT void *dlsym(void *handle, const char *symbol) {
    void *real = handle == RTLD_NEXT ? next_after(__builtin_return_address(0), symbol) : bw_real_dlsym(handle, symbol);
    if (real == NULL || symbol[0] != 'c' || symbol[1] != 'u') {
        return real;
    }
    if (strcmp(symbol, "cuGetProcAddress") == 0 || strcmp(symbol, "cuGetProcAddress_v2") == 0) {
        return hook_get_proc_address(symbol[16] != '\0', real);
    }
    int per_thread;
    int id = bw_abi_for_export(symbol, &per_thread);
    return id >= 0 ? bw_wrap(id, per_thread, real) : real;
}
