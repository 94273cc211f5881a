/* The record stream's destination (see bw_sink.h). */
#include "bw_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bw_record.h"

static int open_socket(const char *path) {
    struct sockaddr_un address;
    if (strlen(path) >= sizeof(address.sun_path)) {
        return -1;
    }
    /* Non-blocking from the start: a collector whose accept queue is full refuses at once (EAGAIN) instead of
     * holding the agent, which then writes the file. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, path);
    if (connect(fd, (struct sockaddr *) &address, sizeof(address)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Expands "%p" to the pid, so that several processes under one LD_PRELOAD write separate files. */
static void expand(char *out, size_t size, const char *pattern, uint32_t pid) {
    size_t n = 0;
    for (const char *p = pattern; *p != '\0' && n + 1 < size; p++) {
        if (p[0] == '%' && p[1] == 'p') {
            n += (size_t) snprintf(out + n, size - n, "%u", pid);
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n < size ? n : size - 1] = '\0';
}

static int open_file(struct bw_sink *sink) {
    if (sink->file_pattern[0] == '\0') {
        sink->fd = -1;
        sink->is_socket = 0;
        snprintf(sink->description, sizeof(sink->description), "no collector, and no record file");
        return -1;
    }
    char path[sizeof(sink->description) - 8];
    expand(path, sizeof(path), sink->file_pattern, sink->pid);
    sink->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    sink->is_socket = 0;
    if (sink->fd < 0) {
        snprintf(sink->description, sizeof(sink->description), "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    snprintf(sink->description, sizeof(sink->description), "file %s", path);
    return 0;
}

uint64_t bw_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

/* How long one wait for a full socket lasts before the deadline is looked at again. */
#define SOCKET_WAIT_MS 50

/* Waits until the socket takes bytes again; -1 once the deadline (if any) has passed. */
static int wait_writable(struct bw_sink *sink) {
    for (;;) {
        uint64_t deadline = __atomic_load_n(&sink->deadline_ns, __ATOMIC_ACQUIRE);
        if (deadline != 0 && bw_monotonic_ns() >= deadline) {
            return -1;
        }
        struct pollfd ready = {sink->fd, POLLOUT, 0};
        int n = poll(&ready, 1, SOCKET_WAIT_MS);
        if (n > 0) {
            return 0; /* writable, or an error the next send reports */
        }
        if (n < 0 && errno != EINTR) {
            return -1;
        }
    }
}

static int write_fd(struct bw_sink *sink, const uint8_t *bytes, size_t length) {
    while (length > 0) {
        ssize_t n = sink->is_socket ? send(sink->fd, bytes, length, MSG_NOSIGNAL) : write(sink->fd, bytes, length);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && sink->is_socket && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_writable(sink) != 0) {
                return -1;
            }
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        bytes += n;
        length -= (size_t) n;
    }
    return 0;
}

/*
 * Writes a buffer of whole records. When the socket fails (the collector went away, or stalled past the deadline),
 * the whole buffer is written again to the file, which starts a new stream: nothing is lost, and at most this
 * buffer's records (64 KiB) reach both the collector and the file (the agent cannot know how far the collector
 * read before it went away).
 */
static void write_all(struct bw_sink *sink, const uint8_t *bytes, size_t length) {
    if (write_fd(sink, bytes, length) == 0) {
        return;
    }
    if (sink->is_socket) {
        close(sink->fd);
        uint8_t header[BW_STREAM_HEADER_SIZE];
        if (open_file(sink) == 0 && write_fd(sink, header, bw_encode_stream_header(header, sink->pid,
                                                                                  sink->start_ns)) == 0
                && write_fd(sink, bytes, length) == 0) {
            fprintf(stderr, "bridgewatch agent: the collector %s; recording to %s\n",
                    __atomic_load_n(&sink->deadline_ns, __ATOMIC_ACQUIRE) != 0 ? "stopped reading" : "went away",
                    sink->description);
            return;
        }
    }
    sink->failed_bytes += length;
}

int bw_sink_open(struct bw_sink *sink, const char *socket_path, const char *file_pattern, uint32_t pid,
                 uint64_t start_ns) {
    sink->fd = -1;
    sink->used = 0;
    sink->failed_bytes = 0;
    sink->deadline_ns = 0;
    sink->pid = pid;
    sink->start_ns = start_ns;
    snprintf(sink->file_pattern, sizeof(sink->file_pattern), "%s", file_pattern != NULL ? file_pattern : "");
    if (socket_path != NULL && socket_path[0] != '\0') {
        sink->fd = open_socket(socket_path);
        if (sink->fd >= 0) {
            sink->is_socket = 1;
            snprintf(sink->description, sizeof(sink->description), "socket %s", socket_path);
        }
    }
    if (sink->fd < 0 && open_file(sink) != 0) {
        return -1;
    }
    uint8_t header[BW_STREAM_HEADER_SIZE];
    bw_sink_write(sink, header, bw_encode_stream_header(header, pid, start_ns));
    return 0;
}

void bw_sink_set_deadline(struct bw_sink *sink, uint64_t deadline_ns) {
    __atomic_store_n(&sink->deadline_ns, deadline_ns, __ATOMIC_RELEASE); /* from any thread */
}

void bw_sink_write(struct bw_sink *sink, const uint8_t *record, size_t length) {
    if (sink->used + length > sizeof(sink->buffer)) {
        bw_sink_flush(sink);
    }
    memcpy(sink->buffer + sink->used, record, length);
    sink->used += length;
}

void bw_sink_flush(struct bw_sink *sink) {
    if (sink->used > 0 && sink->fd >= 0) {
        write_all(sink, sink->buffer, sink->used);
    }
    sink->used = 0;
}

void bw_sink_close(struct bw_sink *sink) {
    bw_sink_flush(sink);
    if (sink->fd >= 0) {
        close(sink->fd);
        sink->fd = -1;
    }
}
