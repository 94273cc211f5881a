/*
 * Per-thread record rings: each application thread writes its records into its own single-producer ring (no lock,
 * no system call, never blocks); one drain thread empties them all. A full ring drops the record and counts it.
 */
#ifndef BW_RING_H
#define BW_RING_H

#include <stddef.h>
#include <stdint.h>

#include "bw_record.h"

#define BW_MAX_THREADS 1024 /* threads recording at the same time */

struct bw_slot {
    uint16_t length;
    uint8_t bytes[BW_MAX_RECORD_SIZE];
};

struct bw_ring {
    uint64_t head;      /* next slot to write (producer) */
    uint64_t tail;      /* next slot to read (drain thread) */
    uint64_t dropped;   /* records refused because the ring was full */
    uint32_t capacity;  /* slots, a power of two */
    struct bw_slot slots[];
};

/* A ring of at least `capacity` slots (rounded up to a power of two); NULL when out of memory. */
struct bw_ring *bw_ring_create(uint32_t capacity);
void bw_ring_destroy(struct bw_ring *ring);

/* Copies a record into the ring; 0, or -1 when full (the record is dropped and counted). Producer thread only. */
int bw_ring_push(struct bw_ring *ring, const uint8_t *record, size_t length);

/* Copies the oldest record out (out must hold BW_MAX_RECORD_SIZE bytes); its length, or 0 when empty. Drain only. */
size_t bw_ring_pop(struct bw_ring *ring, uint8_t *out);

/*
 * Rings by thread. A thread acquires a slot when it first records and releases it when it exits; the drain thread
 * reclaims released slots once it has read them, so their rings serve later threads (a process with many
 * short-lived threads keeps a handful of rings, not one per thread ever started). A ring changes producer only
 * through FREE, after its last producer released it, so each ring keeps one producer at a time.
 */
enum bw_slot_state { BW_SLOT_FREE = 0, BW_SLOT_ACTIVE = 1, BW_SLOT_RELEASED = 2 };

struct bw_registry {
    struct bw_ring *rings[BW_MAX_THREADS];
    uint32_t states[BW_MAX_THREADS]; /* enum bw_slot_state */
    uint32_t used;                   /* slots ever handed out: the drain thread looks at these */
    uint64_t unregistered_drops;     /* records of threads that found no slot (all taken, or out of memory) */
};

/* A slot and its ring for the calling thread: its index, or -1 (the record is counted as dropped) when all
 * BW_MAX_THREADS slots are taken by live threads. Reuses a reclaimed slot's ring where there is one. */
int bw_registry_acquire(struct bw_registry *registry, uint32_t capacity);

/* The thread that acquired the slot is done with it (thread exit); its records are still drained. */
void bw_registry_release(struct bw_registry *registry, int index);

/* Drain thread: a released slot whose ring it has read becomes free for another thread. */
void bw_registry_reclaim(struct bw_registry *registry, int index);

/* Frees every ring and forgets every slot: a forked child's registry, whose producers are gone. */
void bw_registry_reset(struct bw_registry *registry);

/* Records dropped so far, over all rings. */
uint64_t bw_registry_dropped(struct bw_registry *registry);

#endif
