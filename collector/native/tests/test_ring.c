/* Rings: order, drops when full, wrap-around, one producer and the drain thread at once; the registry: its bound,
 * reclaimed slots, many short-lived threads. */
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
        CHECK(bw_registry_acquire(&registry, 2) == i);
    }
    CHECK(bw_registry_acquire(&registry, 2) == -1);
    uint8_t in[4] = {0};
    struct bw_ring *first = registry.rings[0];
    bw_ring_push(first, in, 4);
    bw_ring_push(first, in, 4);
    bw_ring_push(first, in, 4); /* dropped */
    CHECK(bw_registry_dropped(&registry) == 2); /* one refused thread, one full ring */
    bw_registry_reset(&registry);
    CHECK(registry.used == 0 && registry.rings[0] == NULL);
}

static void a_released_slot_is_reclaimed_after_draining_and_its_ring_reused_in_order(void) {
    static struct bw_registry registry;
    uint8_t in[4] = {7, 0, 0, 0};
    uint8_t out[BW_MAX_RECORD_SIZE];
    int first = bw_registry_acquire(&registry, 4);
    int second = bw_registry_acquire(&registry, 4);
    CHECK(first == 0 && second == 1);
    bw_ring_push(registry.rings[first], in, 4);
    bw_registry_release(&registry, first);
    CHECK(bw_registry_acquire(&registry, 4) == 2); /* released, not yet read: not handed out again */
    CHECK(bw_ring_pop(registry.rings[first], out) == 4 && out[0] == 7);
    bw_registry_reclaim(&registry, first);
    bw_registry_reclaim(&registry, second); /* still in use: stays its thread's */
    CHECK(registry.states[second] == BW_SLOT_ACTIVE);
    struct bw_ring *reused = registry.rings[first];
    CHECK(bw_registry_acquire(&registry, 4) == first && registry.rings[first] == reused);
    in[0] = 8;
    CHECK(bw_ring_push(reused, in, 4) == 0 && bw_ring_pop(reused, out) == 4 && out[0] == 8);
    bw_registry_reset(&registry);
}

static void *acquire_record_release(void *arg) {
    struct bw_registry *registry = arg;
    int index = bw_registry_acquire(registry, 8);
    if (index >= 0) {
        uint8_t in[4] = {1, 2, 3, 4};
        bw_ring_push(registry->rings[index], in, 4);
        bw_registry_release(registry, index);
    }
    return NULL;
}

static void ten_thousand_short_lived_threads_keep_every_record_with_few_rings(void) {
    static struct bw_registry registry;
    uint8_t out[BW_MAX_RECORD_SIZE];
    uint64_t received = 0;
    for (int round = 0; round < 1250; round++) {
        pthread_t threads[8];
        for (int t = 0; t < 8; t++) {
            CHECK(pthread_create(&threads[t], NULL, acquire_record_release, &registry) == 0);
        }
        for (int t = 0; t < 8; t++) {
            pthread_join(threads[t], NULL);
        }
        for (uint32_t i = 0; i < registry.used; i++) { /* what the drain thread does */
            while (bw_ring_pop(registry.rings[i], out) > 0) {
                received++;
            }
            bw_registry_reclaim(&registry, (int) i);
        }
    }
    CHECK(received == 10000);
    CHECK(bw_registry_dropped(&registry) == 0);
    CHECK(registry.used <= 8); /* at most as many rings as threads alive at once */
    bw_registry_reset(&registry);
}

int main(void) {
    records_come_out_in_order_and_a_full_ring_drops();
    a_concurrent_drain_sees_every_pushed_record_once_in_order();
    the_registry_is_bounded_and_counts_what_it_refuses();
    a_released_slot_is_reclaimed_after_draining_and_its_ring_reused_in_order();
    ten_thousand_short_lived_threads_keep_every_record_with_few_rings();
    printf("test_ring: ok\n");
    return 0;
}
