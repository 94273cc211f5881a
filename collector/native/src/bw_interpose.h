/*
 * What the interposition files share (bw_interpose.c: driver wrappers; bw_runtime.c: runtime entry points;
 * bw_lookup.c: the dlsym and cuGetProcAddress hooks that hand the wrappers out).
 */
#ifndef BW_INTERPOSE_H
#define BW_INTERPOSE_H

#include <cuda.h>
#include <stdint.h>

#include "bw_agent.h"

/* The real dlsym (glibc's), which the agent's own lookups use: never the agent's override. */
void *bw_real_dlsym(void *handle, const char *symbol);

/* A wrapped call in progress. */
struct bw_call {
    uint64_t correlation;
    uint64_t start_ns;
    int cupti;
    int nested;     /* a driver call inside a wrapped runtime call: its details go to the runtime call's record */
    int per_thread; /* the per-thread default stream variant */
};

struct bw_call bw_enter(int per_thread);

/* Records a finished copy-like call (or, nested, hands its details to the runtime call around it). */
void bw_leave(struct bw_call c, uint16_t api, CUresult status, uint8_t direction, uint8_t memory, uint64_t bytes,
              CUstream stream, int async);

/* Records a finished launch; grid and block may be NULL (graph launches). */
void bw_leave_launch(struct bw_call c, uint16_t api, CUresult status, CUstream stream, const unsigned int grid[3],
                     const unsigned int block[3]);

/* Host memory kind of a pointer (enum bw_memory), and the direction of a copy between unified addresses. */
uint8_t bw_memory_kind(const void *pointer);
void bw_classify(const void *dst, const void *src, uint8_t *direction, uint8_t *memory);

/* Context and device of the calling thread's current context, into the event. */
void bw_fill_context(struct bw_event *e);

/* The wrapped runtime call in progress on this thread, and what its driver call found out. */
struct bw_runtime_call {
    int depth;
    uint64_t correlation;
    int have_details;
    struct bw_event details;
};
extern __thread struct bw_runtime_call bw_runtime_call;

/* The wrapper of ABI row `id` (bw_abi.h) for a stream variant, remembering `real` as what it calls. */
void *bw_wrap(int id, int per_thread, void *real);

#endif
