/* Record encoding: layout, lengths and checksums the Java reader relies on. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bw_record.h"
#include "check.h"

static uint64_t get64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static uint32_t get32(const uint8_t *p) { return (uint32_t) p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24; }

static void crc_matches_the_ieee_check_value(void) {
    CHECK(bw_crc32("123456789", 9) == 0xCBF43926u); /* the standard CRC-32 check value, as java.util.zip.CRC32 */
}

static void crc_slices_agree_with_the_bytewise_definition_at_every_length(void) {
    uint8_t data[64];
    for (int i = 0; i < 64; i++) {
        data[i] = (uint8_t) (i * 37 + 11);
    }
    for (size_t length = 0; length <= sizeof(data); length++) {
        uint32_t c = 0xFFFFFFFFu;
        for (size_t i = 0; i < length; i++) {
            c ^= data[i];
            for (int k = 0; k < 8; k++) {
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
        }
        CHECK(bw_crc32(data, length) == (c ^ 0xFFFFFFFFu));
    }
}

static void an_event_decodes_to_what_was_encoded_and_a_short_or_corrupt_record_to_nothing(void) {
    struct bw_event e, back;
    memset(&e, 0, sizeof(e));
    e.api = BW_API_MEMCPY_3D_BATCH_ASYNC;
    e.direction = BW_DIR_D2H;
    e.memory = BW_MEM_PAGEABLE;
    e.status = 2;
    e.pid = 7;
    e.tid = 8;
    e.device = -1;
    e.flags = BW_FLAG_ASYNC | BW_FLAG_PER_THREAD_STREAM;
    e.context = 1, e.stream = 2, e.correlation = 3, e.bytes = 4, e.start_ns = 5, e.end_ns = 6;
    e.grid[2] = 9, e.block[0] = 10;
    uint8_t out[BW_MAX_RECORD_SIZE];
    size_t n = bw_encode_event(out, BW_REC_API_CALL, &e);
    uint16_t kind = 0;
    CHECK(bw_decode_record(out, n, &kind, &back) == n && kind == BW_REC_API_CALL);
    CHECK(memcmp(&e, &back, sizeof(e)) == 0);
    CHECK(bw_decode_record(out, n - 1, &kind, &back) == 0);
    out[20] ^= 1;
    CHECK(bw_decode_record(out, n, &kind, &back) == 0);
}

static void event_layout_is_fixed_and_little_endian(void) {
    struct bw_event e;
    memset(&e, 0, sizeof(e));
    e.api = BW_API_MEMCPY_HTOD_ASYNC;
    e.direction = BW_DIR_H2D;
    e.memory = BW_MEM_PINNED;
    e.status = 0;
    e.pid = 4242;
    e.tid = 17;
    e.device = 0;
    e.flags = BW_FLAG_ASYNC;
    e.context = 0x1122334455667788ull;
    e.stream = 7;
    e.correlation = 99;
    e.bytes = 4096;
    e.start_ns = 1790000000000000000ull;
    e.end_ns = 1790000000000003000ull;
    uint8_t out[BW_MAX_RECORD_SIZE];
    size_t n = bw_encode_event(out, BW_REC_API_CALL, &e);
    CHECK(n == BW_RECORD_HEADER_SIZE + BW_EVENT_BODY_SIZE);
    CHECK(out[0] == BW_REC_API_CALL && out[1] == 0);
    CHECK(out[2] == n && out[3] == 0);
    CHECK(get32(out + 4) == bw_crc32(out + 8, n - 8));
    CHECK(out[8] == BW_API_MEMCPY_HTOD_ASYNC && out[10] == BW_DIR_H2D && out[11] == BW_MEM_PINNED);
    CHECK(get32(out + 16) == 4242 && get32(out + 20) == 17);
    CHECK(get64(out + 8 + 24) == 0x1122334455667788ull);
    CHECK(get64(out + 8 + 48) == 4096);
    CHECK(get64(out + 8 + 64) == 1790000000000003000ull);
}

static void kernel_names_follow_the_body_and_are_truncated_to_fit(void) {
    struct bw_event e;
    memset(&e, 0, sizeof(e));
    e.api = BW_GPU_KERNEL;
    strcpy(e.name, "gemv");
    uint8_t out[BW_MAX_RECORD_SIZE];
    size_t n = bw_encode_event(out, BW_REC_GPU_ACTIVITY, &e);
    CHECK(n == BW_RECORD_HEADER_SIZE + BW_EVENT_BODY_SIZE + 2 + 4);
    CHECK(out[8 + 96] == 4 && memcmp(out + 8 + 98, "gemv", 4) == 0);
    memset(e.name, 'k', BW_MAX_NAME);
    e.name[BW_MAX_NAME] = '\0';
    n = bw_encode_event(out, BW_REC_GPU_ACTIVITY, &e);
    CHECK(n == BW_MAX_RECORD_SIZE);
}

static void a_flipped_bit_breaks_the_checksum(void) {
    uint8_t out[BW_MAX_RECORD_SIZE];
    size_t n = bw_encode_info(out, "gpu_sku=NVIDIA H200\ncc_mode=OFF\n");
    CHECK(get32(out + 4) == bw_crc32(out + 8, n - 8));
    out[12] ^= 1;
    CHECK(get32(out + 4) != bw_crc32(out + 8, n - 8));
}

static void stream_header_names_format_version_and_pid(void) {
    uint8_t out[BW_STREAM_HEADER_SIZE];
    CHECK(bw_encode_stream_header(out, 77, 123) == 32);
    CHECK(memcmp(out, "BWAGENT", 8) == 0);
    CHECK(out[8] == BW_STREAM_VERSION && out[10] == 32);
    CHECK(get32(out + 12) == 77 && get64(out + 16) == 123);
}

static void drops_and_correlations_have_fixed_bodies(void) {
    uint8_t out[BW_MAX_RECORD_SIZE];
    CHECK(bw_encode_drops(out, 5, 6) == 24 && get64(out + 8) == 5 && get64(out + 16) == 6);
    CHECK(bw_encode_ext_correlation(out, 12, 34) == 24 && get32(out + 8) == 12 && get64(out + 16) == 34);
}

int main(int argc, char **argv) {
    crc_matches_the_ieee_check_value();
    crc_slices_agree_with_the_bytewise_definition_at_every_length();
    an_event_decodes_to_what_was_encoded_and_a_short_or_corrupt_record_to_nothing();
    event_layout_is_fixed_and_little_endian();
    kernel_names_follow_the_body_and_are_truncated_to_fit();
    a_flipped_bit_breaks_the_checksum();
    stream_header_names_format_version_and_pid();
    drops_and_correlations_have_fixed_bodies();
    if (argc > 1) {
        /* Writes a small sample stream for the Java reader's cross-check (see AgentRecordReaderTest). */
        FILE *f = fopen(argv[1], "wb");
        CHECK(f != NULL);
        uint8_t out[BW_MAX_RECORD_SIZE];
        fwrite(out, 1, bw_encode_stream_header(out, 4242, 1790000000000000000ull), f);
        fwrite(out, 1, bw_encode_info(out, "agent_mode=interposition\ngpu_sku=NVIDIA H200\n"), f);
        for (int i = 0; i < 3; i++) {
            struct bw_event e;
            memset(&e, 0, sizeof(e));
            e.api = i == 2 ? BW_API_MEMCPY_DTOH_ASYNC : BW_API_MEMCPY_HTOD_ASYNC;
            e.direction = i == 2 ? BW_DIR_D2H : BW_DIR_H2D;
            e.memory = i == 0 ? BW_MEM_PINNED : BW_MEM_PAGEABLE;
            e.pid = 4242;
            e.tid = 17;
            e.flags = BW_FLAG_ASYNC;
            e.stream = 7;
            e.correlation = (uint64_t) i + 1;
            e.bytes = 4096u << i;
            e.start_ns = 1790000000000000000ull + 10000ull * (uint64_t) i;
            e.end_ns = e.start_ns + 3000;
            fwrite(out, 1, bw_encode_event(out, BW_REC_API_CALL, &e), f);
        }
        fwrite(out, 1, bw_encode_drops(out, 0, 1790000000000100000ull), f);
        fclose(f);
    }
    printf("test_record: ok\n");
    return 0;
}
