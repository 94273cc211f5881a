/* A second interposer, preloaded after the agent: wraps bw_probe (tests/fake/probe.c) and finds the function it wraps
 * with dlsym(RTLD_NEXT), as interposers do. Through an agent that resolved RTLD_NEXT relative to itself, it would
 * find its own bw_probe and recurse. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

__attribute__((visibility("default"))) int bw_probe(int value) {
    int (*next)(int) = (int (*)(int)) dlsym(RTLD_NEXT, "bw_probe");
    if (next == NULL || next == bw_probe) {
        return -1; /* found nothing, or itself */
    }
    return next(value) + 1;
}
