/* The interposition tests' collector (see collector_stub.h). */
#define _GNU_SOURCE
#include "collector_stub.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

struct connection {
    int fd;
    uint8_t *buffer;
    size_t used;
    size_t capacity;
    int header_read;
};

static void keep(struct test_collector *c, const struct bw_event *e, int connection) {
    pthread_mutex_lock(&c->lock);
    if (__atomic_load_n(&c->count_only, __ATOMIC_ACQUIRE)) {
        c->count++;
        pthread_mutex_unlock(&c->lock);
        return;
    }
    if (c->count == c->capacity) {
        c->capacity = c->capacity == 0 ? 4096 : c->capacity * 2;
        c->events = realloc(c->events, c->capacity * sizeof(*c->events));
        CHECK(c->events != NULL);
    }
    c->events[c->count].event = *e;
    c->events[c->count].connection = connection;
    c->count++;
    pthread_mutex_unlock(&c->lock);
}

static void keep_raw(struct test_collector *c, int connection, const uint8_t *bytes, size_t n) {
    if (connection != 0 || __atomic_load_n(&c->count_only, __ATOMIC_ACQUIRE)) {
        return;
    }
    pthread_mutex_lock(&c->lock);
    c->raw = realloc(c->raw, c->raw_length + n);
    CHECK(c->raw != NULL);
    memcpy(c->raw + c->raw_length, bytes, n);
    c->raw_length += n;
    pthread_mutex_unlock(&c->lock);
}

/* Takes the whole records at the front of a connection's buffer. */
static void consume(struct test_collector *c, struct connection *in, int index) {
    size_t at = 0;
    if (!in->header_read && in->used >= BW_STREAM_HEADER_SIZE) {
        CHECK(memcmp(in->buffer, BW_STREAM_MAGIC, 8) == 0);
        memcpy(&c->pids[index], in->buffer + 12, sizeof(uint32_t));
        in->header_read = 1;
        at = BW_STREAM_HEADER_SIZE;
    }
    if (!in->header_read) {
        return;
    }
    uint16_t kind;
    struct bw_event e;
    size_t length;
    while ((length = bw_decode_record(in->buffer + at, in->used - at, &kind, &e)) > 0) {
        if (kind == BW_REC_API_CALL || kind == BW_REC_GPU_ACTIVITY) {
            keep(c, &e, index);
        } else if (kind == BW_REC_DROPS) {
            __atomic_store_n(&c->drops[index], e.bytes, __ATOMIC_RELEASE);
        }
        at += length;
    }
    memmove(in->buffer, in->buffer + at, in->used - at);
    in->used -= at;
}

static void *serve(void *arg) {
    struct test_collector *c = arg;
    struct connection connections[16];
    struct pollfd polled[17];
    int open = 0;
    while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
        polled[0] = (struct pollfd){c->server, POLLIN, 0};
        for (int i = 0; i < open; i++) {
            polled[i + 1] = (struct pollfd){connections[i].fd, POLLIN, 0};
        }
        if (poll(polled, (nfds_t) open + 1, 20) <= 0) {
            continue;
        }
        if ((polled[0].revents & POLLIN) && open < 16) {
            int fd = accept(c->server, NULL, NULL);
            if (fd >= 0) {
                connections[open] = (struct connection){fd, malloc(1 << 20), 0, 1 << 20, 0};
                open++;
                __atomic_store_n(&c->connections, open, __ATOMIC_RELEASE);
            }
        }
        for (int i = 0; i < open; i++) {
            if (connections[i].fd < 0 || !(polled[i + 1].revents & (POLLIN | POLLHUP))) {
                continue;
            }
            ssize_t n = read(connections[i].fd, connections[i].buffer + connections[i].used,
                             connections[i].capacity - connections[i].used);
            if (n <= 0) {
                close(connections[i].fd);
                connections[i].fd = -1;
                continue;
            }
            keep_raw(c, i, connections[i].buffer + connections[i].used, (size_t) n);
            connections[i].used += (size_t) n;
            consume(c, &connections[i], i);
        }
    }
    for (int i = 0; i < open; i++) {
        if (connections[i].fd >= 0) {
            close(connections[i].fd);
        }
        free(connections[i].buffer);
    }
    return NULL;
}

void collector_start(struct test_collector *c, const char *path) {
    memset(c, 0, sizeof(*c));
    snprintf(c->path, sizeof(c->path), "%s", path);
    pthread_mutex_init(&c->lock, NULL);
    c->server = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address;
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, path);
    unlink(path);
    CHECK(bind(c->server, (struct sockaddr *) &address, sizeof(address)) == 0);
    CHECK(listen(c->server, 16) == 0);
    CHECK(pthread_create(&c->thread, NULL, serve, c) == 0);
}

void collector_stop(struct test_collector *c) {
    __atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
    pthread_join(c->thread, NULL);
    close(c->server);
    unlink(c->path);
    free(c->events);
    free(c->raw);
}

size_t collector_wait(struct test_collector *c, size_t count, int timeout_ms) {
    for (int waited = 0;; waited++) {
        pthread_mutex_lock(&c->lock);
        size_t now = c->count;
        pthread_mutex_unlock(&c->lock);
        if (now >= count || waited >= timeout_ms) {
            return now;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
}

struct received collector_event(struct test_collector *c, size_t i) {
    pthread_mutex_lock(&c->lock);
    CHECK(i < c->count);
    struct received r = c->events[i];
    pthread_mutex_unlock(&c->lock);
    return r;
}

uint64_t decode_stream(const uint8_t *bytes, size_t length, void (*each)(const struct bw_event *, void *), void *arg) {
    uint64_t drops = 0;
    size_t at = 0;
    while (at + BW_STREAM_HEADER_SIZE <= length && memcmp(bytes + at, BW_STREAM_MAGIC, 8) == 0) {
        at += BW_STREAM_HEADER_SIZE; /* a stream, possibly followed by another (the file after the socket) */
        uint16_t kind;
        struct bw_event e;
        size_t n;
        while ((n = bw_decode_record(bytes + at, length - at, &kind, &e)) > 0) {
            if (kind == BW_REC_API_CALL) {
                each(&e, arg);
            } else if (kind == BW_REC_DROPS) {
                drops = e.bytes;
            }
            at += n;
        }
    }
    return drops;
}
