/* The sink: a file when no collector listens, a move to the file when the collector goes away mid-stream, and a
 * stalled collector given up at the deadline. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bw_record.h"
#include "bw_sink.h"
#include "check.h"

static size_t file_size(const char *path) {
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    return (size_t) size;
}

static int listen_at(const char *socket_path) {
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address;
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, socket_path);
    CHECK(bind(server, (struct sockaddr *) &address, sizeof(address)) == 0);
    CHECK(listen(server, 1) == 0);
    return server;
}

static void writes_the_file_when_no_collector_listens(const char *dir) {
    static struct bw_sink sink;
    char pattern[256];
    snprintf(pattern, sizeof(pattern), "%s/alone-%%p.bwr", dir);
    CHECK(bw_sink_open(&sink, "/nonexistent/collector.sock", pattern, 4242, 1) == 0);
    CHECK(!sink.is_socket);
    uint8_t record[BW_MAX_RECORD_SIZE];
    bw_sink_write(&sink, record, bw_encode_drops(record, 1, 2));
    bw_sink_close(&sink);
    char path[256];
    snprintf(path, sizeof(path), "%s/alone-4242.bwr", dir);
    CHECK(file_size(path) == BW_STREAM_HEADER_SIZE + 24);
}

static void moves_to_the_file_when_the_collector_goes_away(const char *dir) {
    char socket_path[108];
    snprintf(socket_path, sizeof(socket_path), "%s/collector.sock", dir);
    int server = listen_at(socket_path);
    static struct bw_sink sink;
    char pattern[256];
    snprintf(pattern, sizeof(pattern), "%s/after-%%p.bwr", dir);
    CHECK(bw_sink_open(&sink, socket_path, pattern, 77, 1) == 0);
    CHECK(sink.is_socket);
    bw_sink_flush(&sink);
    int collector = accept(server, NULL, NULL);
    uint8_t header[BW_STREAM_HEADER_SIZE];
    CHECK(read(collector, header, sizeof(header)) == (ssize_t) sizeof(header));
    CHECK(memcmp(header, "BWAGENT", 8) == 0);
    close(collector); /* the collector goes away */
    close(server);

    uint8_t record[BW_MAX_RECORD_SIZE];
    size_t length = bw_encode_drops(record, 5, 6);
    bw_sink_write(&sink, record, length);
    bw_sink_flush(&sink);
    CHECK(!sink.is_socket);
    CHECK(sink.failed_bytes == 0);
    bw_sink_write(&sink, record, length); /* and later records follow it there */
    bw_sink_close(&sink);
    char path[256];
    snprintf(path, sizeof(path), "%s/after-77.bwr", dir);
    CHECK(file_size(path) == BW_STREAM_HEADER_SIZE + 2 * length);
    unlink(socket_path);
}

static void a_stalled_collector_is_left_for_the_file_at_the_deadline(const char *dir) {
    char socket_path[108];
    snprintf(socket_path, sizeof(socket_path), "%s/stalled.sock", dir);
    int server = listen_at(socket_path);
    static struct bw_sink sink;
    char pattern[256];
    snprintf(pattern, sizeof(pattern), "%s/stalled-%%p.bwr", dir);
    CHECK(bw_sink_open(&sink, socket_path, pattern, 88, 1) == 0);
    CHECK(sink.is_socket);
    int collector = accept(server, NULL, NULL); /* and never reads */
    uint64_t began = bw_monotonic_ns();
    bw_sink_set_deadline(&sink, began + 100000000ull);
    uint8_t record[BW_MAX_RECORD_SIZE];
    size_t length = bw_encode_drops(record, 1, 2);
    size_t records = (8u << 20) / length; /* far more than a socket buffer holds */
    for (size_t i = 0; i < records; i++) {
        bw_sink_write(&sink, record, length);
    }
    bw_sink_close(&sink);
    uint64_t took_ms = (bw_monotonic_ns() - began) / 1000000;
    CHECK(took_ms < 2000); /* the deadline (100 ms) and the file's writes, never the collector's pace */
    CHECK(sink.failed_bytes == 0);
    char path[256];
    snprintf(path, sizeof(path), "%s/stalled-88.bwr", dir);
    CHECK(file_size(path) > BW_STREAM_HEADER_SIZE); /* what the socket did not take went to the file */
    unlink(path);
    close(collector);
    close(server);
    unlink(socket_path);
}

int main(void) {
    char dir[] = "/tmp/bw-sink-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    writes_the_file_when_no_collector_listens(dir);
    moves_to_the_file_when_the_collector_goes_away(dir);
    a_stalled_collector_is_left_for_the_file_at_the_deadline(dir);
    char path[256];
    snprintf(path, sizeof(path), "%s/alone-4242.bwr", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/after-77.bwr", dir);
    unlink(path);
    rmdir(dir);
    printf("test_sink: ok\n");
    return 0;
}
