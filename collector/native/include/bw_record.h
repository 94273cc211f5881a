/*
 * Bridgewatch agent record stream: what the native agent hands to the collector (Unix socket or file).
 *
 * A stream is a header, then records. Everything is little-endian. Each record carries its kind, its total length
 * and a CRC-32 (IEEE, as zlib and java.util.zip.CRC32) of the bytes after its header, so a reader can tell a
 * truncated or corrupt record from a valid one and keep everything valid before it. The Java reader is
 * io.bridgewatch.collector.agent.AgentRecordReader; the two must agree on every number below.
 */
#ifndef BW_RECORD_H
#define BW_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define BW_STREAM_MAGIC "BWAGENT"   /* 7 bytes + NUL */
#define BW_STREAM_VERSION 1
#define BW_STREAM_HEADER_SIZE 32
#define BW_RECORD_HEADER_SIZE 8
#define BW_EVENT_BODY_SIZE 96
#define BW_MAX_RECORD_SIZE 256
#define BW_MAX_NAME (BW_MAX_RECORD_SIZE - BW_RECORD_HEADER_SIZE - BW_EVENT_BODY_SIZE - 2)

enum bw_record_kind {
    BW_REC_API_CALL = 1,         /* a CUDA driver call timed on the host */
    BW_REC_GPU_ACTIVITY = 2,     /* a CUPTI activity record: GPU start/end */
    BW_REC_INFO = 3,             /* UTF-8 "key=value\n" lines: node facts, agent mode */
    BW_REC_DROPS = 4,            /* records dropped so far (rings full) */
    BW_REC_EXT_CORRELATION = 5   /* CUPTI correlation id -> the agent's correlation id of the API call */
};

/* Which call: the Java side has the same table (AgentApi). */
enum bw_api {
    BW_API_UNKNOWN = 0,
    BW_API_MEMCPY = 1, BW_API_MEMCPY_ASYNC = 2, BW_API_MEMCPY_HTOD = 3, BW_API_MEMCPY_HTOD_ASYNC = 4,
    BW_API_MEMCPY_DTOH = 5, BW_API_MEMCPY_DTOH_ASYNC = 6, BW_API_MEMCPY_DTOD = 7, BW_API_MEMCPY_DTOD_ASYNC = 8,
    BW_API_MEMCPY_PEER = 9, BW_API_MEMCPY_PEER_ASYNC = 10, BW_API_MEMCPY_2D = 11, BW_API_MEMCPY_2D_ASYNC = 12,
    BW_API_MEMCPY_3D = 13, BW_API_MEMCPY_3D_ASYNC = 14, BW_API_MEMCPY_BATCH_ASYNC = 15,
    BW_API_CUDA_MEMCPY = 16, BW_API_CUDA_MEMCPY_ASYNC = 17, /* runtime calls, timed around their driver call */
    BW_API_CUDA_MEMSET = 18, BW_API_CUDA_MEMSET_ASYNC = 19,
    BW_API_CUDA_LAUNCH_KERNEL = 63, BW_API_CUDA_GRAPH_LAUNCH = 64,
    BW_API_MEMSET_D8 = 20, BW_API_MEMSET_D8_ASYNC = 21, BW_API_MEMSET_D16 = 22, BW_API_MEMSET_D16_ASYNC = 23,
    BW_API_MEMSET_D32 = 24, BW_API_MEMSET_D32_ASYNC = 25,
    BW_API_MEM_ALLOC = 30, BW_API_MEM_ALLOC_HOST = 31, BW_API_MEM_HOST_ALLOC = 32, BW_API_MEM_ALLOC_ASYNC = 33,
    BW_API_MEM_FREE = 34, BW_API_MEM_FREE_HOST = 35, BW_API_MEM_ALLOC_MANAGED = 36,
    BW_API_MEM_HOST_REGISTER = 40, BW_API_MEM_HOST_UNREGISTER = 41,
    BW_API_STREAM_SYNCHRONIZE = 50, BW_API_EVENT_SYNCHRONIZE = 51, BW_API_CTX_SYNCHRONIZE = 52,
    BW_API_EVENT_RECORD = 53, /* cuEventRecord(WithFlags); it and cuEventSynchronize carry the CUevent in bytes */
    BW_API_LAUNCH_KERNEL = 60, BW_API_LAUNCH_KERNEL_EX = 61, BW_API_GRAPH_LAUNCH = 62,
    BW_API_MEMCPY_HTOA = 70, BW_API_MEMCPY_HTOA_ASYNC = 71, BW_API_MEMCPY_ATOH = 72, BW_API_MEMCPY_ATOH_ASYNC = 73,
    BW_API_MEMCPY_3D_PEER = 74, BW_API_MEMCPY_3D_PEER_ASYNC = 75, BW_API_MEMCPY_3D_BATCH_ASYNC = 76,
    BW_GPU_MEMCPY = 100, BW_GPU_MEMSET = 101, BW_GPU_KERNEL = 102
};

enum bw_direction { BW_DIR_UNKNOWN = 0, BW_DIR_H2D = 1, BW_DIR_D2H = 2, BW_DIR_D2D = 3, BW_DIR_P2P = 4 };

enum bw_memory {
    BW_MEM_UNKNOWN = 0, BW_MEM_PAGEABLE = 1, BW_MEM_PINNED = 2, BW_MEM_MANAGED = 3, BW_MEM_DEVICE = 4
};

#define BW_FLAG_ASYNC 1u          /* the call asked for an asynchronous operation */
#define BW_FLAG_CUPTI_CORRELATION 2u /* correlation is CUPTI's id (GPU activity), not the agent's */
#define BW_FLAG_PER_THREAD_STREAM 4u /* the per-thread default stream variant (_ptds/_ptsz) was called */

/* One API call or GPU activity; encoded as the 96-byte body below, then (kernels only) a u16 length and a name. */
struct bw_event {
    uint16_t api;          /* enum bw_api */
    uint8_t direction;     /* enum bw_direction */
    uint8_t memory;        /* enum bw_memory: the host side of a copy */
    int32_t status;        /* CUresult of the call (0 for activities) */
    uint32_t pid;
    uint32_t tid;
    int32_t device;        /* device ordinal, -1 unknown */
    uint32_t flags;
    uint64_t context;
    uint64_t stream;
    uint64_t correlation;
    uint64_t bytes;        /* bytes copied or set; the CUevent handle of event records and synchronizations */
    uint64_t start_ns;     /* CLOCK_REALTIME ns: host enter, or GPU start */
    uint64_t end_ns;       /* host return, or GPU end */
    uint32_t grid[3];
    uint32_t block[3];
    char name[BW_MAX_NAME + 1]; /* kernel name (GPU kernels), NUL-terminated; empty otherwise */
};

uint32_t bw_crc32(const void *data, size_t length);

/* Writes the stream header; returns its size (BW_STREAM_HEADER_SIZE). */
size_t bw_encode_stream_header(uint8_t *out, uint32_t pid, uint64_t start_ns);

/* Encodes an event record into out (at least BW_MAX_RECORD_SIZE bytes); returns its length. */
size_t bw_encode_event(uint8_t *out, uint16_t kind, const struct bw_event *event);

/* Encodes an info record (text truncated to fit); returns its length. */
size_t bw_encode_info(uint8_t *out, const char *text);

/* Encodes a drops record; returns its length. */
size_t bw_encode_drops(uint8_t *out, uint64_t dropped, uint64_t at_ns);

/* Encodes a CUPTI-to-agent correlation record; returns its length. */
size_t bw_encode_ext_correlation(uint8_t *out, uint32_t cupti_correlation, uint64_t agent_correlation);

/* Decodes the record at `in` (event bodies into `event`; a drops record's count into event->bytes): its length, or 0
 * when fewer than a whole valid record's bytes are available. The agent's tests read its stream with it. */
size_t bw_decode_record(const uint8_t *in, size_t available, uint16_t *kind, struct bw_event *event);

#endif
