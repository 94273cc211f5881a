/* Rings: order, drops when full, wrap-around, one producer and the drain thread at once, the registry's bound. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bw_ring.h"
#include "check.h"

static void records_come_out_in_order_and_a_full_ring_drops(void) {
    struct bw_ring *ring = bw_ring_create(3); /* rounded up to 4 */
    CHECK(ring != NULL && ring->capacity == 4);
    uint8_t in[8] = {0};
    uint8_t out[BW_MAX_RECORD_SIZE];
    for (int i = 0; i < 4; i++) {
        in[0] = (uint8_t) i;
        CHECK(bw_ring_push(ring, in, (size_t) i + 1) == 0);
    }
    CHECK(bw_ring_push(ring, in, 1) == -1);
    CHECK(ring->dropped == 1);
    for (int i = 0; i < 4; i++) {
        CHECK(bw_ring_pop(ring, out) == (size_t) i + 1);
        CHECK(out[0] == i);
    }
    CHECK(bw_ring_pop(ring, out) == 0);
    for (int round = 0; round < 10; round++) { /* wrap around many times */
        in[0] = (uint8_t) round;
        CHECK(bw_ring_push(ring, in, 2) == 0);
        CHECK(bw_ring_pop(ring, out) == 2 && out[0] == round);
    }
    CHECK(bw_ring_push(ring, in, BW_MAX_RECORD_SIZE + 1) == -1); /* too long: dropped, never truncated */
    bw_ring_destroy(ring);
}

#define MESSAGES 2000000

struct shared {
    struct bw_ring *ring;
    uint64_t pushed;
};

static void *produce(void *arg) {
    struct shared *s = arg;
    uint8_t record[16];
    for (uint64_t i = 0; i < MESSAGES; i++) {
        memcpy(record, &i, sizeof(i));
        if (bw_ring_push(s->ring, record, sizeof(record)) == 0) {
            s->pushed++;
        }
    }
    return NULL;
}

static void a_concurrent_drain_sees_every_pushed_record_once_in_order(void) {
    struct shared s = {bw_ring_create(1024), 0};
    pthread_t producer;
    CHECK(pthread_create(&producer, NULL, produce, &s) == 0);
    uint8_t out[BW_MAX_RECORD_SIZE];
    uint64_t received = 0;
    uint64_t last = 0;
    int done = 0;
    while (!done || s.ring->tail != __atomic_load_n(&s.ring->head, __ATOMIC_ACQUIRE)) {
        size_t n = bw_ring_pop(s.ring, out);
        if (n == 0) {
            done = __atomic_load_n(&s.ring->head, __ATOMIC_ACQUIRE) + s.ring->dropped >= MESSAGES;
            continue;
        }
        CHECK(n == 16);
        uint64_t value;
        memcpy(&value, out, sizeof(value));
        CHECK(received == 0 || value > last); /* in order; gaps only where the ring was full */
        last = value;
        received++;
    }
    pthread_join(producer, NULL);
    CHECK(received == s.pushed);
    CHECK(s.pushed + s.ring->dropped == MESSAGES);
    bw_ring_destroy(s.ring);
}

static void the_registry_is_bounded_and_counts_what_it_refuses(void) {
    static struct bw_registry registry;
    for (int i = 0; i < BW_MAX_THREADS; i++) {
        CHECK(bw_registry_add(&registry, 2) != NULL);
    }
    CHECK(bw_registry_add(&registry, 2) == NULL);
    uint8_t in[4] = {0};
    struct bw_ring *first = registry.rings[0];
    bw_ring_push(first, in, 4);
    bw_ring_push(first, in, 4);
    bw_ring_push(first, in, 4); /* dropped */
    CHECK(bw_registry_dropped(&registry) == 2); /* one refused registration, one full ring */
    for (int i = 0; i < BW_MAX_THREADS; i++) {
        bw_ring_destroy(registry.rings[i]);
    }
}

int main(void) {
    records_come_out_in_order_and_a_full_ring_drops();
    a_concurrent_drain_sees_every_pushed_record_once_in_order();
    the_registry_is_bounded_and_counts_what_it_refuses();
    printf("test_ring: ok\n");
    return 0;
}
