/* The agent's core (see bw_agent.h): configuration, rings, the drain thread, start and stop. */
#include "bw_agent.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bw_ring.h"
#include "bw_sink.h"

/* Configuration (environment):
 *   BRIDGEWATCH_AGENT_SOCKET  the collector's Unix socket; when nobody listens there, the file below is written
 *   BRIDGEWATCH_AGENT_FILE    record file for offline replay (default /tmp/bridgewatch-agent-%p.bwr; %p = pid)
 *   BRIDGEWATCH_AGENT_RING    ring slots per thread (default 4096, 256 bytes each)
 */
#define DEFAULT_FILE "/tmp/bridgewatch-agent-%p.bwr"
#define DEFAULT_RING_SLOTS 4096
#define IDLE_SLEEP_NS 1000000L
#define DROPS_EVERY_NS 1000000000ull

static struct bw_registry registry;
static struct bw_sink sink;
static pthread_once_t started = PTHREAD_ONCE_INIT;
static pthread_t drain_thread;
static int running;
static uint32_t ring_slots = DEFAULT_RING_SLOTS;
static uint64_t correlation_counter;
static __thread struct bw_ring *thread_ring;
static __thread uint32_t thread_id;

uint64_t bw_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

uint64_t bw_next_correlation(void) {
    return __atomic_add_fetch(&correlation_counter, 1, __ATOMIC_RELAXED);
}

uint32_t bw_pid(void) {
    return (uint32_t) getpid();
}

uint32_t bw_tid(void) {
    if (thread_id == 0) {
        thread_id = (uint32_t) syscall(SYS_gettid);
    }
    return thread_id;
}

static void push(const uint8_t *record, size_t length) {
    if (!__atomic_load_n(&running, __ATOMIC_ACQUIRE)) {
        return;
    }
    if (thread_ring == NULL) {
        thread_ring = bw_registry_add(&registry, ring_slots);
        if (thread_ring == NULL) {
            return; /* counted by the registry */
        }
    }
    bw_ring_push(thread_ring, record, length);
}

void bw_emit_event(uint16_t kind, const struct bw_event *event) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    push(record, bw_encode_event(record, kind, event));
}

void bw_emit_info(const char *text) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    push(record, bw_encode_info(record, text));
}

void bw_emit_ext_correlation(uint32_t cupti_correlation, uint64_t agent_correlation) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    push(record, bw_encode_ext_correlation(record, cupti_correlation, agent_correlation));
}

/* Moves every ring's records to the sink; returns how many. */
static size_t drain_once(void) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    size_t moved = 0;
    uint32_t count = __atomic_load_n(&registry.count, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < count && i < BW_MAX_THREADS; i++) {
        struct bw_ring *ring = __atomic_load_n(&registry.rings[i], __ATOMIC_ACQUIRE);
        if (ring == NULL) {
            continue;
        }
        size_t length;
        while ((length = bw_ring_pop(ring, record)) > 0) {
            bw_sink_write(&sink, record, length);
            moved++;
        }
    }
    return moved;
}

static void write_drops(uint64_t *reported) {
    uint64_t dropped = bw_registry_dropped(&registry);
    if (dropped != *reported) {
        uint8_t record[BW_MAX_RECORD_SIZE];
        bw_sink_write(&sink, record, bw_encode_drops(record, dropped, bw_now_ns()));
        *reported = dropped;
    }
}

/* Writes "key=value" lines as info records, as many lines per record as fit. */
static void write_info_lines(const char *text) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    char chunk[BW_MAX_RECORD_SIZE - BW_RECORD_HEADER_SIZE + 1];
    size_t used = 0;
    while (*text != '\0') {
        const char *end = strchr(text, '\n');
        size_t line = end != NULL ? (size_t) (end - text) + 1 : strlen(text);
        if (used > 0 && used + line > sizeof(chunk) - 1) {
            chunk[used] = '\0';
            bw_sink_write(&sink, record, bw_encode_info(record, chunk));
            used = 0;
        }
        if (line > sizeof(chunk) - 1) {
            line = sizeof(chunk) - 1; /* a single over-long line is cut */
        }
        memcpy(chunk + used, text, line);
        used += line;
        text += end != NULL ? (size_t) (end - text) + 1 : strlen(text);
    }
    if (used > 0) {
        chunk[used] = '\0';
        bw_sink_write(&sink, record, bw_encode_info(record, chunk));
    }
}

static void *drain(void *unused) {
    /* Node facts first, from this thread: NVML can take a while and must not delay the application. */
    char facts[2048];
    bw_describe_node(facts, sizeof(facts));
    write_info_lines(facts);
    uint64_t reported_drops = 0;
    uint64_t last_drops_check = bw_now_ns();
    while (__atomic_load_n(&running, __ATOMIC_ACQUIRE)) {
        if (drain_once() == 0) {
            bw_sink_flush(&sink);
            struct timespec idle = {0, IDLE_SLEEP_NS};
            nanosleep(&idle, NULL);
        }
        uint64_t now = bw_now_ns();
        if (now - last_drops_check >= DROPS_EVERY_NS) {
            write_drops(&reported_drops);
            last_drops_check = now;
        }
    }
    drain_once();
    write_drops(&reported_drops);
    bw_sink_close(&sink);
    return NULL;
}

static void start(void) {
    const char *slots = getenv("BRIDGEWATCH_AGENT_RING");
    if (slots != NULL && atoi(slots) > 0) {
        ring_slots = (uint32_t) atoi(slots);
    }
    const char *file = getenv("BRIDGEWATCH_AGENT_FILE");
    if (bw_sink_open(&sink, getenv("BRIDGEWATCH_AGENT_SOCKET"), file != NULL ? file : DEFAULT_FILE, bw_pid(),
                     bw_now_ns()) != 0) {
        fprintf(stderr, "bridgewatch agent: not recording: %s\n", sink.description);
        return;
    }
    __atomic_store_n(&running, 1, __ATOMIC_RELEASE);
    if (pthread_create(&drain_thread, NULL, drain, NULL) != 0) {
        __atomic_store_n(&running, 0, __ATOMIC_RELEASE);
        fprintf(stderr, "bridgewatch agent: not recording: cannot start the drain thread\n");
        return;
    }
    if (getenv("BRIDGEWATCH_AGENT_QUIET") == NULL) {
        fprintf(stderr, "bridgewatch agent: recording to %s\n", sink.description);
    }
}

void bw_agent_init(void) {
    pthread_once(&started, start);
}

__attribute__((destructor)) static void stop(void) {
    if (!__atomic_load_n(&running, __ATOMIC_ACQUIRE)) {
        return;
    }
    bw_cupti_flush(); /* the last GPU activity records, before the rings are drained for good */
    __atomic_store_n(&running, 0, __ATOMIC_RELEASE);
    pthread_join(drain_thread, NULL);
}
