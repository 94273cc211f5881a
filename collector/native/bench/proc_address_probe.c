/*
 * Asks the real driver what cuGetProcAddress hands out for every row of the agent's ABI table and compares it with
 * libcuda's export of the row the agent would resolve the lookup to (bw_abi_export_for_version). The agent wraps a
 * lookup above BW_ABI_NEWEST_KNOWN only when the two are the same pointer: this shows whether that proof holds on a
 * real driver. One JSON line per lookup, then a summary line. Build and run on the GPU machine:
 *
 *   cc -O2 -std=gnu11 -Isrc -I/usr/local/cuda/include bench/proc_address_probe.c src/bw_abi.c -ldl -o probe && ./probe
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "bw_abi.h"

typedef CUresult (*get_proc_address_fn)(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *);
typedef CUresult (*init_fn)(unsigned int);
typedef CUresult (*driver_version_fn)(int *);

int main(void) {
    void *cuda = dlopen("libcuda.so.1", RTLD_NOW);
    if (cuda == NULL) {
        fprintf(stderr, "no libcuda.so.1: %s\n", dlerror());
        return 1;
    }
    init_fn init = (init_fn) dlsym(cuda, "cuInit");
    driver_version_fn driver_version = (driver_version_fn) dlsym(cuda, "cuDriverGetVersion");
    get_proc_address_fn lookup = (get_proc_address_fn) dlsym(cuda, "cuGetProcAddress_v2");
    int driver = 0;
    if (init == NULL || lookup == NULL || driver_version == NULL || init(0) != CUDA_SUCCESS ||
        driver_version(&driver) != CUDA_SUCCESS) {
        fprintf(stderr, "driver not usable\n");
        return 1;
    }
    int versions[] = {12000, 12080, 13000, driver};
    int same = 0, different = 0, refused = 0;
    for (int id = 0; id < BW_ABI_COUNT; id++) {
        const char *name = bw_abi_name(id);
        if (id > 0 && strcmp(name, bw_abi_name(id - 1)) == 0) {
            continue; /* a name with several rows: its lookups were made with its first row */
        }
        for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
            for (int per_thread = 0; per_thread <= 1; per_thread++) {
                const char *expected = bw_abi_export_for_version(name, versions[v], per_thread);
                void *handed_out = NULL;
                CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SUCCESS;
                cuuint64_t flags = per_thread ? CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM
                                              : CU_GET_PROC_ADDRESS_LEGACY_STREAM;
                CUresult result = lookup(name, &handed_out, versions[v], flags, &status);
                void *exported = expected == NULL ? NULL : dlsym(cuda, expected);
                const char *verdict;
                if (result != CUDA_SUCCESS || handed_out == NULL) {
                    verdict = "refused";
                    refused++;
                } else if (handed_out == exported) {
                    verdict = "same";
                    same++;
                } else {
                    verdict = "different";
                    different++;
                }
                Dl_info where = {0};
                dladdr(handed_out, &where);
                printf("{\"name\":\"%s\",\"version\":%d,\"per_thread\":%d,\"result\":%d,\"status\":%d,"
                       "\"expected_export\":\"%s\",\"handed_out_symbol\":\"%s\",\"verdict\":\"%s\"}\n",
                       name, versions[v], per_thread, (int) result, (int) status, expected ? expected : "",
                       where.dli_sname ? where.dli_sname : "", verdict);
            }
        }
    }
    printf("{\"driver_version\":%d,\"same\":%d,\"different\":%d,\"refused\":%d}\n", driver, same, different, refused);
    return 0;
}
