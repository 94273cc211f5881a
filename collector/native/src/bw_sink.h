/*
 * Where the drain thread writes the record stream: the collector's Unix socket, or a file for offline replay.
 * Buffered; only the drain thread uses it. The socket is non-blocking: a collector that stops reading stalls the
 * drain thread only (the application's records wait in their rings, and are dropped and counted when those fill),
 * and never past a deadline once one is set (at exit), after which the rest goes to the file.
 */
#ifndef BW_SINK_H
#define BW_SINK_H

#include <stddef.h>
#include <stdint.h>

struct bw_sink {
    int fd;
    int is_socket;
    uint64_t failed_bytes; /* bytes that could not be written anywhere */
    uint64_t deadline_ns;  /* CLOCK_MONOTONIC: a stalled socket is given up at this time; 0 = wait */
    size_t used;
    uint32_t pid;
    uint64_t start_ns;
    char file_pattern[200];
    uint8_t buffer[1 << 16];
    char description[256];
};

/*
 * Opens the socket path when given and a collector listens there, else the file path ("%p" becomes the pid; NULL:
 * no file).
 * Writes the stream header. 0 on success, -1 (with description saying why) when neither could be opened.
 * When the collector goes away mid-stream, the sink moves to the file (a new stream, with its own header) and
 * carries on, so a collector restart loses nothing: the file is replayed with `bridgewatch import`.
 */
int bw_sink_open(struct bw_sink *sink, const char *socket_path, const char *file_pattern, uint32_t pid,
                 uint64_t start_ns);

/* From now on a socket that cannot take more bytes by `deadline_ns` (CLOCK_MONOTONIC) is left for the file. Any
 * thread may set it (the exiting one does, to end a drain thread's wait). */
void bw_sink_set_deadline(struct bw_sink *sink, uint64_t deadline_ns);

/* CLOCK_MONOTONIC in ns, the deadline's clock. */
uint64_t bw_monotonic_ns(void);

void bw_sink_write(struct bw_sink *sink, const uint8_t *record, size_t length);
void bw_sink_flush(struct bw_sink *sink);
void bw_sink_close(struct bw_sink *sink);

#endif
