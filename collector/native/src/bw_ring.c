/* Single-producer single-consumer rings and their registry (see bw_ring.h). Pure; tested by tests/test_ring.c. */
#include "bw_ring.h"

#include <stdlib.h>
#include <string.h>

struct bw_ring *bw_ring_create(uint32_t capacity) {
    uint32_t slots = 1;
    while (slots < capacity) {
        slots <<= 1;
    }
    struct bw_ring *ring = calloc(1, sizeof(struct bw_ring) + (size_t) slots * sizeof(struct bw_slot));
    if (ring != NULL) {
        ring->capacity = slots;
    }
    return ring;
}

void bw_ring_destroy(struct bw_ring *ring) {
    free(ring);
}

int bw_ring_push(struct bw_ring *ring, const uint8_t *record, size_t length) {
    uint64_t head = ring->head; /* only this thread writes head */
    uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
    if (head - tail >= ring->capacity || length > BW_MAX_RECORD_SIZE) {
        __atomic_fetch_add(&ring->dropped, 1, __ATOMIC_RELAXED);
        return -1;
    }
    struct bw_slot *slot = &ring->slots[head & (ring->capacity - 1)];
    memcpy(slot->bytes, record, length);
    slot->length = (uint16_t) length;
    __atomic_store_n(&ring->head, head + 1, __ATOMIC_RELEASE); /* publishes the slot */
    return 0;
}

size_t bw_ring_pop(struct bw_ring *ring, uint8_t *out) {
    uint64_t tail = ring->tail; /* only the drain thread writes tail */
    uint64_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
    if (tail == head) {
        return 0;
    }
    struct bw_slot *slot = &ring->slots[tail & (ring->capacity - 1)];
    size_t length = slot->length;
    memcpy(out, slot->bytes, length);
    __atomic_store_n(&ring->tail, tail + 1, __ATOMIC_RELEASE); /* frees the slot */
    return length;
}

int bw_registry_acquire(struct bw_registry *registry, uint32_t capacity) {
    for (;;) {
        uint32_t used = __atomic_load_n(&registry->used, __ATOMIC_ACQUIRE);
        for (uint32_t i = 0; i < used; i++) {
            uint32_t expected = BW_SLOT_FREE;
            if (__atomic_load_n(&registry->states[i], __ATOMIC_RELAXED) == BW_SLOT_FREE
                    && __atomic_compare_exchange_n(&registry->states[i], &expected, BW_SLOT_ACTIVE, 0,
                                                   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
                if (__atomic_load_n(&registry->rings[i], __ATOMIC_ACQUIRE) != NULL) {
                    return (int) i; /* a reclaimed ring: head and tail carry on where its last thread left them */
                }
                __atomic_store_n(&registry->states[i], BW_SLOT_FREE, __ATOMIC_RELEASE); /* being created */
            }
        }
        if (used >= BW_MAX_THREADS) {
            __atomic_fetch_add(&registry->unregistered_drops, 1, __ATOMIC_RELAXED);
            return -1;
        }
        /* A new slot: claimed by moving `used` past it, so no two threads create the same one. */
        if (!__atomic_compare_exchange_n(&registry->used, &used, used + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            continue;
        }
        __atomic_store_n(&registry->states[used], BW_SLOT_ACTIVE, __ATOMIC_RELEASE);
        struct bw_ring *ring = bw_ring_create(capacity);
        if (ring == NULL) {
            __atomic_store_n(&registry->states[used], BW_SLOT_RELEASED, __ATOMIC_RELEASE);
            __atomic_fetch_add(&registry->unregistered_drops, 1, __ATOMIC_RELAXED);
            return -1;
        }
        __atomic_store_n(&registry->rings[used], ring, __ATOMIC_RELEASE); /* the drain thread skips it until now */
        return (int) used;
    }
}

void bw_registry_release(struct bw_registry *registry, int index) {
    if (index >= 0 && index < BW_MAX_THREADS) {
        __atomic_store_n(&registry->states[index], BW_SLOT_RELEASED, __ATOMIC_RELEASE); /* after its last push */
    }
}

void bw_registry_reclaim(struct bw_registry *registry, int index) {
    uint32_t expected = BW_SLOT_RELEASED;
    if (__atomic_load_n(&registry->rings[index], __ATOMIC_ACQUIRE) != NULL) {
        __atomic_compare_exchange_n(&registry->states[index], &expected, BW_SLOT_FREE, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED);
    }
}

void bw_registry_reset(struct bw_registry *registry) {
    uint32_t used = registry->used;
    for (uint32_t i = 0; i < used && i < BW_MAX_THREADS; i++) {
        bw_ring_destroy(registry->rings[i]);
        registry->rings[i] = NULL;
        registry->states[i] = BW_SLOT_FREE;
    }
    registry->used = 0;
}

uint64_t bw_registry_dropped(struct bw_registry *registry) {
    uint64_t dropped = __atomic_load_n(&registry->unregistered_drops, __ATOMIC_RELAXED);
    uint32_t used = __atomic_load_n(&registry->used, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < used && i < BW_MAX_THREADS; i++) {
        struct bw_ring *ring = __atomic_load_n(&registry->rings[i], __ATOMIC_ACQUIRE);
        if (ring != NULL) {
            dropped += __atomic_load_n(&ring->dropped, __ATOMIC_RELAXED);
        }
    }
    return dropped;
}
