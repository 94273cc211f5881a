/*
 * The test driver (libcuda.so.1 of tests/fake): what every fake entry point saw, for the interposition tests.
 * Each exported driver function records its name and its raw argument registers and returns the configured code.
 */
#ifndef BW_FAKE_CUDA_H
#define BW_FAKE_CUDA_H

#include <stdint.h>

#define FAKE_MAX_ARGS 11

struct fake_call {
    const char *function; /* the exported name that was entered */
    uint64_t args[FAKE_MAX_ARGS];
};

/* The calling thread's last call into a fake entry point, and how many it has made. */
const struct fake_call *fake_last_call(void);
uint64_t fake_call_count(void);

/* What every fake entry point returns from now on (a CUresult). */
void fake_return(int code);

/* The fake's own function for an exported name, never a wrapper: the baseline of the cost measurement. */
void *fake_function(const char *exported);

/* Host memory the fake driver reports as pinned; device pointers are those at or above FAKE_DEVICE_BASE. */
void fake_pin(const void *pointer, uint64_t bytes);
#define FAKE_DEVICE_BASE 0x7e0000000000ull

/* How often cuGetProcAddress v1 (v2 = 0) or v2 (v2 = 1) was entered. */
uint64_t fake_get_proc_address_calls(int v2);

/* Records an entry (the fake runtime uses it for its own entry points). */
int fake_record(const char *function, const uint64_t *args, int count);

#endif
