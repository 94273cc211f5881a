/*
 * The agent's core: lazily started on the first CUDA entry point it sees (a process that never uses CUDA writes
 * nothing), per-thread rings (reclaimed at thread exit), and one drain thread that connects, writes the record
 * stream and the node facts. Nothing here blocks an application thread: recording is a copy into the thread's
 * ring, and process exit waits a bounded time for the drain thread.
 */
#ifndef BW_AGENT_H
#define BW_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "bw_record.h"

#define BW_EXPORT __attribute__((visibility("default")))

/* Starts the agent once (rings, drain thread, sink); cheap after the first call. */
void bw_agent_init(void);

uint64_t bw_now_ns(void);
uint64_t bw_next_correlation(void);
uint32_t bw_pid(void);
uint32_t bw_tid(void);

/* Hands a record to the calling thread's ring; never blocks (a full ring drops and counts). */
void bw_emit_event(uint16_t kind, const struct bw_event *event);
/* The same for a thread of the agent's or CUPTI's own (never an application thread): waits a bounded time for room
 * in a full ring, since GPU activity arrives in bursts of thousands of records. */
void bw_emit_event_patient(uint16_t kind, const struct bw_event *event);
void bw_emit_info(const char *text);
void bw_emit_ext_correlation(uint32_t cupti_correlation, uint64_t agent_correlation); /* patient, as above */

/* CUPTI activity (bw_cupti.c): started from InitializeInjection, flushed before the agent stops. */
int bw_cupti_active(void);
void bw_cupti_push_correlation(uint64_t agent_correlation);
void bw_cupti_pop_correlation(void);
void bw_cupti_flush(void);
/* A forked child cannot use its parent's CUPTI session: it records by interposition only. */
void bw_cupti_forget(void);

/* Node facts from NVML and the driver (bw_nvml.c), as "key=value\n" lines. */
void bw_describe_node(char *out, size_t size);

#endif
