/*
 * Per-thread record rings: each application thread writes its records into its own single-producer ring (no lock,
 * no system call, never blocks); one drain thread empties them all. A full ring drops the record and counts it.
 */
#ifndef BW_RING_H
#define BW_RING_H

#include <stddef.h>
#include <stdint.h>

#include "bw_record.h"

#define BW_MAX_THREADS 1024

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

struct bw_registry {
    struct bw_ring *rings[BW_MAX_THREADS];
    uint32_t count;
    uint64_t unregistered_drops; /* records of threads beyond BW_MAX_THREADS */
};

/* A ring of at least `capacity` slots (rounded up to a power of two); NULL when out of memory. */
struct bw_ring *bw_ring_create(uint32_t capacity);
void bw_ring_destroy(struct bw_ring *ring);

/* Copies a record into the ring; 0, or -1 when full (the record is dropped and counted). Producer thread only. */
int bw_ring_push(struct bw_ring *ring, const uint8_t *record, size_t length);

/* Copies the oldest record out (out must hold BW_MAX_RECORD_SIZE bytes); its length, or 0 when empty. Drain only. */
size_t bw_ring_pop(struct bw_ring *ring, uint8_t *out);

/* Registers a new ring for the calling thread; NULL (and counts the record as dropped) when full. */
struct bw_ring *bw_registry_add(struct bw_registry *registry, uint32_t capacity);

/* Records dropped so far, over all rings. */
uint64_t bw_registry_dropped(struct bw_registry *registry);

#endif
