/*
 * CUPTI activity mode: loaded as CUDA_INJECTION64_PATH (the driver calls InitializeInjection during cuInit), the
 * agent enables CUPTI activity records for copies, memsets and kernels, which carry GPU start and end times, and
 * external-correlation records, which tie each activity to the interposed API call that caused it (the wrappers
 * push their correlation id around the real call). Used with LD_PRELOAD of the same library, which records the calls.
 *
 * CUPTI refuses under confidential computing (CUPTI_ERROR_CONFIDENTIAL_COMPUTING_NOT_SUPPORTED; only devtools mode
 * allows it) and allows one subscriber per process (the PyTorch profiler and Nsight are others). When it refuses,
 * the agent keeps recording through interposition alone and says why in its info records. libcupti is opened at run
 * time, preferring the one the process already has (two CUPTI copies in one process do not mix).
 */
#include <cupti.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bw_agent.h"

#define BUFFER_SIZE (8u << 20)

typedef CUptiResult (*register_callbacks_t)(CUpti_BuffersCallbackRequestFunc, CUpti_BuffersCallbackCompleteFunc);
typedef CUptiResult (*activity_enable_t)(CUpti_ActivityKind);
typedef CUptiResult (*next_record_t)(uint8_t *, size_t, CUpti_Activity **);
typedef CUptiResult (*flush_all_t)(uint32_t);
typedef CUptiResult (*result_string_t)(CUptiResult, const char **);
typedef CUptiResult (*push_correlation_t)(CUpti_ExternalCorrelationKind, uint64_t);
typedef CUptiResult (*pop_correlation_t)(CUpti_ExternalCorrelationKind, uint64_t *);
typedef CUptiResult (*timestamp_t)(uint64_t *);
typedef CUptiResult (*subscribe_t)(CUpti_SubscriberHandle *, CUpti_CallbackFunc, void *);

/* CUPTI hands over a buffer only when it is full (its own periodic flush returns full buffers only, seen on the
 * H200: a quiet process's activity came up to 50 s after its calls). The collector joins activity to its calls
 * within a bounded window, so a thread of the agent's asks for every buffer whose records are complete this often.
 * The buffers are delivered on that thread, which pushes them into a ring of its own for the drain thread. */
#define FLUSH_EVERY_MS 250

static struct {
    next_record_t next_record;
    flush_all_t flush_all;
    push_correlation_t push;
    pop_correlation_t pop;
    timestamp_t timestamp;
} cupti;

static int active;
static int64_t clock_offset_ns; /* CLOCK_REALTIME minus CUPTI's clock */
static uint64_t aligned_at_ns;  /* when the offset was last measured (CLOCK_REALTIME) */

/* CUPTI's GPU-derived clock and CLOCK_REALTIME drift apart (NTP slews the latter), and async revocation compares host
 * and GPU times to a microsecond: the offset is measured again, bracketed by two host reads, at most once a second
 * as activity buffers complete. */
#define REALIGN_EVERY_NS 1000000000ull

static void align_clocks(void) {
    uint64_t before = bw_now_ns();
    uint64_t cupti_now = 0;
    cupti.timestamp(&cupti_now);
    uint64_t after = bw_now_ns();
    __atomic_store_n(&clock_offset_ns, (int64_t) (before + (after - before) / 2) - (int64_t) cupti_now,
                     __ATOMIC_RELAXED);
    __atomic_store_n(&aligned_at_ns, after, __ATOMIC_RELAXED);
}

int bw_cupti_active(void) {
    return __atomic_load_n(&active, __ATOMIC_RELAXED);
}

void bw_cupti_push_correlation(uint64_t agent_correlation) {
    cupti.push(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0, agent_correlation);
}

void bw_cupti_pop_correlation(void) {
    uint64_t ignored;
    cupti.pop(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0, &ignored);
}

void bw_cupti_forget(void) {
    __atomic_store_n(&active, 0, __ATOMIC_RELEASE);
}

void bw_cupti_flush(void) {
    if (bw_cupti_active()) {
        cupti.flush_all(1); /* CUPTI_ACTIVITY_FLAG_FLUSH_FORCED: also records still in progress */
    }
}

static uint8_t direction_of(uint8_t copy_kind) {
    switch (copy_kind) {
        case CUPTI_ACTIVITY_MEMCPY_KIND_HTOD:
        case CUPTI_ACTIVITY_MEMCPY_KIND_HTOA:
            return BW_DIR_H2D;
        case CUPTI_ACTIVITY_MEMCPY_KIND_DTOH:
        case CUPTI_ACTIVITY_MEMCPY_KIND_ATOH:
            return BW_DIR_D2H;
        case CUPTI_ACTIVITY_MEMCPY_KIND_PTOP:
            return BW_DIR_P2P;
        case CUPTI_ACTIVITY_MEMCPY_KIND_HTOH:
            return BW_DIR_UNKNOWN;
        default:
            return BW_DIR_D2D;
    }
}

static uint8_t memory_of(uint8_t kind) {
    switch (kind) {
        case CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE:
            return BW_MEM_PAGEABLE;
        case CUPTI_ACTIVITY_MEMORY_KIND_PINNED:
            return BW_MEM_PINNED;
        case CUPTI_ACTIVITY_MEMORY_KIND_MANAGED:
        case CUPTI_ACTIVITY_MEMORY_KIND_MANAGED_STATIC:
            return BW_MEM_MANAGED;
        case CUPTI_ACTIVITY_MEMORY_KIND_DEVICE:
        case CUPTI_ACTIVITY_MEMORY_KIND_ARRAY:
        case CUPTI_ACTIVITY_MEMORY_KIND_DEVICE_STATIC:
            return BW_MEM_DEVICE;
        default:
            return BW_MEM_UNKNOWN;
    }
}

static void gpu_event(struct bw_event *e, uint16_t api, uint64_t start, uint64_t end, uint32_t device,
                      uint32_t context, uint32_t stream, uint32_t correlation) {
    memset(e, 0, sizeof(*e));
    e->api = api;
    e->pid = bw_pid();
    e->device = (int32_t) device;
    e->flags = BW_FLAG_CUPTI_CORRELATION;
    e->context = context;
    e->stream = stream;
    e->correlation = correlation;
    int64_t offset = __atomic_load_n(&clock_offset_ns, __ATOMIC_RELAXED);
    e->start_ns = (uint64_t) ((int64_t) start + offset);
    e->end_ns = (uint64_t) ((int64_t) end + offset);
}

static void emit(CUpti_Activity *record) {
    struct bw_event e;
    switch (record->kind) {
        case CUPTI_ACTIVITY_KIND_MEMCPY: {
            CUpti_ActivityMemcpy6 *m = (CUpti_ActivityMemcpy6 *) record;
            gpu_event(&e, BW_GPU_MEMCPY, m->start, m->end, m->deviceId, m->contextId, m->streamId,
                      m->correlationId);
            e.direction = direction_of(m->copyKind);
            e.memory = memory_of(e.direction == BW_DIR_D2H ? m->dstKind : m->srcKind);
            e.bytes = m->bytes;
            bw_emit_event_patient(BW_REC_GPU_ACTIVITY, &e);
            break;
        }
        case CUPTI_ACTIVITY_KIND_MEMSET: {
            CUpti_ActivityMemset4 *m = (CUpti_ActivityMemset4 *) record;
            gpu_event(&e, BW_GPU_MEMSET, m->start, m->end, m->deviceId, m->contextId, m->streamId,
                      m->correlationId);
            e.memory = memory_of((uint8_t) m->memoryKind);
            e.bytes = m->bytes;
            bw_emit_event_patient(BW_REC_GPU_ACTIVITY, &e);
            break;
        }
        case CUPTI_ACTIVITY_KIND_KERNEL:
        case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
            CUpti_ActivityKernel10 *k = (CUpti_ActivityKernel10 *) record;
            gpu_event(&e, BW_GPU_KERNEL, k->start, k->end, k->deviceId, k->contextId, k->streamId,
                      k->correlationId);
            e.grid[0] = (uint32_t) k->gridX;
            e.grid[1] = (uint32_t) k->gridY;
            e.grid[2] = (uint32_t) k->gridZ;
            e.block[0] = (uint32_t) k->blockX;
            e.block[1] = (uint32_t) k->blockY;
            e.block[2] = (uint32_t) k->blockZ;
            if (k->name != NULL) {
                strncpy(e.name, k->name, BW_MAX_NAME);
                e.name[BW_MAX_NAME] = '\0';
            }
            bw_emit_event_patient(BW_REC_GPU_ACTIVITY, &e);
            break;
        }
        case CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION: {
            CUpti_ActivityExternalCorrelation *x = (CUpti_ActivityExternalCorrelation *) record;
            if (x->externalKind == CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0) {
                bw_emit_ext_correlation(x->correlationId, x->externalId);
            }
            break;
        }
        default:
            break;
    }
}

static void CUPTIAPI buffer_requested(uint8_t **buffer, size_t *size, size_t *max_records) {
    *buffer = aligned_alloc(8, BUFFER_SIZE);
    *size = *buffer != NULL ? BUFFER_SIZE : 0;
    *max_records = 0;
}

static void CUPTIAPI buffer_completed(CUcontext context, uint32_t stream, uint8_t *buffer, size_t size,
                                      size_t valid) {
    CUpti_Activity *record = NULL;
    if (bw_now_ns() - __atomic_load_n(&aligned_at_ns, __ATOMIC_RELAXED) >= REALIGN_EVERY_NS) {
        align_clocks();
    }
    while (cupti.next_record(buffer, valid, &record) == CUPTI_SUCCESS) {
        emit(record);
    }
    free(buffer);
}

static void *flush_periodically(void *unused) {
    struct timespec period = {0, FLUSH_EVERY_MS * 1000000L};
    while (bw_cupti_active()) {
        nanosleep(&period, NULL);
        if (bw_cupti_active()) {
            cupti.flush_all(0); /* buffers whose records are all complete, full or not */
        }
    }
    return NULL;
}

static void CUPTIAPI ignore_callback(void *data, CUpti_CallbackDomain domain, CUpti_CallbackId id,
                                     const void *info) {
}

static void *open_cupti(void) {
    void *library = dlopen("libcupti.so.13", RTLD_LAZY | RTLD_NOLOAD);
    if (library == NULL) {
        const char *path = getenv("BRIDGEWATCH_CUPTI_PATH");
        library = dlopen(path != NULL ? path : "libcupti.so.13", RTLD_LAZY);
    }
    return library;
}

static void refuse(const char *why) {
    char info[200];
    snprintf(info, sizeof(info), "agent_mode=interposition\ncupti=refused: %s\n", why);
    bw_emit_info(info);
    fprintf(stderr, "bridgewatch agent: CUPTI activity not available (%s); interposition only\n", why);
}

static const char *describe(result_string_t result_string, CUptiResult result) {
    const char *text = "unknown error";
    if (result_string != NULL) {
        result_string(result, &text);
    }
    return text;
}

/* Called by the CUDA driver during cuInit when CUDA_INJECTION64_PATH names this library. */
BW_EXPORT int InitializeInjection(void) {
    bw_agent_init();
    void *library = open_cupti();
    if (library == NULL) {
        refuse("libcupti.so.13 not found (set BRIDGEWATCH_CUPTI_PATH)");
        return 1;
    }
    register_callbacks_t register_callbacks = (register_callbacks_t) dlsym(library, "cuptiActivityRegisterCallbacks");
    activity_enable_t enable = (activity_enable_t) dlsym(library, "cuptiActivityEnable");
    result_string_t result_string = (result_string_t) dlsym(library, "cuptiGetResultString");
    subscribe_t subscribe = (subscribe_t) dlsym(library, "cuptiSubscribe");
    cupti.next_record = (next_record_t) dlsym(library, "cuptiActivityGetNextRecord");
    cupti.flush_all = (flush_all_t) dlsym(library, "cuptiActivityFlushAll");
    cupti.push = (push_correlation_t) dlsym(library, "cuptiActivityPushExternalCorrelationId");
    cupti.pop = (pop_correlation_t) dlsym(library, "cuptiActivityPopExternalCorrelationId");
    cupti.timestamp = (timestamp_t) dlsym(library, "cuptiGetTimestamp");
    if (register_callbacks == NULL || enable == NULL || subscribe == NULL || cupti.next_record == NULL
            || cupti.flush_all == NULL || cupti.push == NULL || cupti.pop == NULL || cupti.timestamp == NULL) {
        refuse("libcupti lacks the activity API");
        return 1;
    }
    /* Claim the one CUPTI subscriber slot: refused when another tool (a profiler) already has it. */
    CUpti_SubscriberHandle subscriber;
    CUptiResult result = subscribe(&subscriber, ignore_callback, NULL);
    if (result != CUPTI_SUCCESS) {
        refuse(describe(result_string, result));
        return 1;
    }
    align_clocks();
    result = register_callbacks(buffer_requested, buffer_completed);
    /* External correlation records come only for API calls CUPTI traces (verified on the H200): DRIVER covers
     * driver calls made by libraries (cuBLAS launches), RUNTIME the runtime's calls, whose inner driver calls
     * CUPTI does not report. Their own records are not used. */
    CUpti_ActivityKind kinds[] = {CUPTI_ACTIVITY_KIND_RUNTIME, CUPTI_ACTIVITY_KIND_DRIVER,
                                  CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION,
                                  CUPTI_ACTIVITY_KIND_MEMCPY, CUPTI_ACTIVITY_KIND_MEMSET,
                                  CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && result == CUPTI_SUCCESS; i++) {
        result = enable(kinds[i]);
    }
    if (result != CUPTI_SUCCESS) {
        refuse(describe(result_string, result)); /* e.g. CUPTI_ERROR_CONFIDENTIAL_COMPUTING_NOT_SUPPORTED */
        return 1;
    }
    __atomic_store_n(&active, 1, __ATOMIC_RELEASE);
    pthread_t flusher;
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&flusher, &detached, flush_periodically, NULL) != 0) {
        fprintf(stderr, "bridgewatch agent: no periodic CUPTI flush: GPU activity comes as buffers fill\n");
    }
    pthread_attr_destroy(&detached);
    bw_emit_info("agent_mode=interposition+cupti\ncupti=active\n");
    return 1;
}
