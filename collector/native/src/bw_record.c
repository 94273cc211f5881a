/* Record encoding (see bw_record.h). Pure: no CUDA, no I/O; tested by tests/test_record.c. */
#include "bw_record.h"

#include <string.h>

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
    __atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

uint32_t bw_crc32(const void *data, size_t length) {
    if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE)) {
        crc_init(); /* idempotent: concurrent first calls compute the same table */
    }
    const uint8_t *p = data;
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < length; i++) {
        c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFu;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t) v; p[1] = (uint8_t) (v >> 8); }
static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t) (v >> (8 * i)); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t) (v >> (8 * i)); }

/* Fills in a record's header once its body is written: kind, total length, CRC of the body. */
static size_t seal(uint8_t *out, uint16_t kind, size_t body_length) {
    size_t length = BW_RECORD_HEADER_SIZE + body_length;
    put16(out, kind);
    put16(out + 2, (uint16_t) length);
    put32(out + 4, bw_crc32(out + BW_RECORD_HEADER_SIZE, body_length));
    return length;
}

size_t bw_encode_stream_header(uint8_t *out, uint32_t pid, uint64_t start_ns) {
    memset(out, 0, BW_STREAM_HEADER_SIZE);
    memcpy(out, BW_STREAM_MAGIC, 8);
    put16(out + 8, BW_STREAM_VERSION);
    put16(out + 10, BW_STREAM_HEADER_SIZE);
    put32(out + 12, pid);
    put64(out + 16, start_ns);
    return BW_STREAM_HEADER_SIZE;
}

size_t bw_encode_event(uint8_t *out, uint16_t kind, const struct bw_event *e) {
    uint8_t *b = out + BW_RECORD_HEADER_SIZE;
    put16(b, e->api);
    b[2] = e->direction;
    b[3] = e->memory;
    put32(b + 4, (uint32_t) e->status);
    put32(b + 8, e->pid);
    put32(b + 12, e->tid);
    put32(b + 16, (uint32_t) e->device);
    put32(b + 20, e->flags);
    put64(b + 24, e->context);
    put64(b + 32, e->stream);
    put64(b + 40, e->correlation);
    put64(b + 48, e->bytes);
    put64(b + 56, e->start_ns);
    put64(b + 64, e->end_ns);
    for (int i = 0; i < 3; i++) {
        put32(b + 72 + 4 * i, e->grid[i]);
        put32(b + 84 + 4 * i, e->block[i]);
    }
    size_t body = BW_EVENT_BODY_SIZE;
    if (e->api == BW_GPU_KERNEL) {
        size_t n = strnlen(e->name, BW_MAX_NAME);
        put16(b + body, (uint16_t) n);
        memcpy(b + body + 2, e->name, n);
        body += 2 + n;
    }
    return seal(out, kind, body);
}

size_t bw_encode_info(uint8_t *out, const char *text) {
    size_t n = strnlen(text, BW_MAX_RECORD_SIZE - BW_RECORD_HEADER_SIZE);
    memcpy(out + BW_RECORD_HEADER_SIZE, text, n);
    return seal(out, BW_REC_INFO, n);
}

size_t bw_encode_drops(uint8_t *out, uint64_t dropped, uint64_t at_ns) {
    put64(out + BW_RECORD_HEADER_SIZE, dropped);
    put64(out + BW_RECORD_HEADER_SIZE + 8, at_ns);
    return seal(out, BW_REC_DROPS, 16);
}

size_t bw_encode_ext_correlation(uint8_t *out, uint32_t cupti_correlation, uint64_t agent_correlation) {
    put32(out + BW_RECORD_HEADER_SIZE, cupti_correlation);
    put32(out + BW_RECORD_HEADER_SIZE + 4, 0);
    put64(out + BW_RECORD_HEADER_SIZE + 8, agent_correlation);
    return seal(out, BW_REC_EXT_CORRELATION, 16);
}
