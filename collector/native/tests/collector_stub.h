/*
 * A collector for the interposition tests: listens on a Unix socket as the real one does, reads the agent's record
 * streams (one per connecting process) and keeps their records, decoded, for the tests to look at.
 */
#ifndef BW_TEST_COLLECTOR_H
#define BW_TEST_COLLECTOR_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "bw_record.h"

struct received {
    struct bw_event event;
    int connection;
};

struct test_collector {
    char path[108];
    int server;
    pthread_t thread;
    pthread_mutex_t lock;
    struct received *events; /* API calls and GPU activities, in arrival order */
    size_t count;
    size_t capacity;
    uint64_t drops[16];  /* the last drops record of each connection */
    uint32_t pids[16];   /* the pid of each connection's stream header */
    int connections;
    int stop;
    int count_only;      /* set: events are counted, not kept (long measurements) */
    uint8_t *raw;        /* the first connection's stream as received (while events are kept) */
    size_t raw_length;
};

/* Starts listening at path and reading in a thread of its own. */
void collector_start(struct test_collector *collector, const char *path);
void collector_stop(struct test_collector *collector);

/* Waits (up to timeout_ms) until at least `count` events have arrived; the count there is. */
size_t collector_wait(struct test_collector *collector, size_t count, int timeout_ms);

/* Event i (copied under the lock). */
struct received collector_event(struct test_collector *collector, size_t i);

/* Decodes a whole stream read from a file or socket: calls back per event; returns the last drops count seen. */
uint64_t decode_stream(const uint8_t *bytes, size_t length, void (*each)(const struct bw_event *, void *), void *arg);

#endif
