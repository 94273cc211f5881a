/* Record encoding (see bw_record.h). Pure: no CUDA, no I/O; tested by tests/test_record.c. */
#include "bw_record.h"

#include <string.h>

/* Slicing-by-8 tables: the CRC of every record is taken on the application's thread, eight bytes a step. */
static uint32_t crc_table[8][256];
static int crc_ready;

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
        }
    }
    __atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

uint32_t bw_crc32(const void *data, size_t length) {
    if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE)) {
        crc_init(); /* idempotent: concurrent first calls compute the same tables */
    }
    const uint8_t *p = data;
    uint32_t c = 0xFFFFFFFFu;
    for (; length >= 8; length -= 8, p += 8) {
        uint32_t low = c ^ ((uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24);
        c = crc_table[7][low & 0xFF] ^ crc_table[6][(low >> 8) & 0xFF] ^ crc_table[5][(low >> 16) & 0xFF]
            ^ crc_table[4][low >> 24] ^ crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]]
            ^ crc_table[0][p[7]];
    }
    for (; length > 0; length--, p++) {
        c = crc_table[0][(c ^ *p) & 0xFF] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFu;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t) (p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return (uint32_t) p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t) get32(p + 4) << 32; }

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

size_t bw_decode_record(const uint8_t *in, size_t available, uint16_t *kind, struct bw_event *e) {
    if (available < BW_RECORD_HEADER_SIZE) {
        return 0;
    }
    size_t length = get16(in + 2);
    if (length < BW_RECORD_HEADER_SIZE || length > available
            || get32(in + 4) != bw_crc32(in + BW_RECORD_HEADER_SIZE, length - BW_RECORD_HEADER_SIZE)) {
        return 0;
    }
    *kind = get16(in);
    memset(e, 0, sizeof(*e));
    const uint8_t *b = in + BW_RECORD_HEADER_SIZE;
    if ((*kind == BW_REC_API_CALL || *kind == BW_REC_GPU_ACTIVITY) && length >= BW_RECORD_HEADER_SIZE + BW_EVENT_BODY_SIZE) {
        e->api = get16(b);
        e->direction = b[2];
        e->memory = b[3];
        e->status = (int32_t) get32(b + 4);
        e->pid = get32(b + 8);
        e->tid = get32(b + 12);
        e->device = (int32_t) get32(b + 16);
        e->flags = get32(b + 20);
        e->context = get64(b + 24);
        e->stream = get64(b + 32);
        e->correlation = get64(b + 40);
        e->bytes = get64(b + 48);
        e->start_ns = get64(b + 56);
        e->end_ns = get64(b + 64);
        for (int i = 0; i < 3; i++) {
            e->grid[i] = get32(b + 72 + 4 * i);
            e->block[i] = get32(b + 84 + 4 * i);
        }
    } else if (*kind == BW_REC_DROPS && length >= BW_RECORD_HEADER_SIZE + 16) {
        e->bytes = get64(b); /* records dropped so far */
        e->start_ns = get64(b + 8);
    }
    return length;
}
