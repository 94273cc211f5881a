/* The agent's core (see bw_agent.h): configuration, rings, the drain thread, start, stop and fork. */
#define _GNU_SOURCE
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
 *   BRIDGEWATCH_AGENT_EXIT_MS how long process exit may wait for the last records to be written (default 200)
 */
#define DEFAULT_FILE "/tmp/bridgewatch-agent-%p.bwr"
#define DEFAULT_RING_SLOTS 4096
#define DEFAULT_EXIT_MS 200
#define IDLE_SLEEP_NS 1000000L
#define DROPS_EVERY_NS 1000000000ull
/* GPU activity arrives in bursts on CUPTI's own thread, which may wait this long for room in its ring. */
#define PATIENT_WAIT_NS 50000L
#define PATIENT_LIMIT_NS 2000000000ull

static struct bw_registry registry;
static struct bw_sink sink;
static pthread_t drain_thread;
static pthread_key_t ring_key;
static int started;             /* 0 until the first CUDA call starts the agent (again 0 in a forked child) */
static int running;             /* records are taken while set */
static int drain_started;
static int forked_child;        /* this process is a fork of one that recorded */
static uint32_t generation = 1; /* bumped in a forked child: the rings threads remember are the parent's */
static uint32_t ring_slots = DEFAULT_RING_SLOTS;
static uint64_t exit_wait_ns = DEFAULT_EXIT_MS * 1000000ull;
static uint64_t correlation_counter;
static __thread struct {
    int index;          /* the thread's registry slot, valid when generation matches */
    uint32_t generation;
} thread_ring;
static __thread uint32_t thread_id;

uint64_t bw_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

uint64_t bw_next_correlation(void) {
    return __atomic_add_fetch(&correlation_counter, 1, __ATOMIC_RELAXED);
}

/* getpid() is a system call (glibc stopped caching it): the pid is kept, and renewed in a forked child. */
static uint32_t process_id;

uint32_t bw_pid(void) {
    uint32_t pid = __atomic_load_n(&process_id, __ATOMIC_RELAXED);
    if (pid == 0) {
        pid = (uint32_t) getpid();
        __atomic_store_n(&process_id, pid, __ATOMIC_RELAXED);
    }
    return pid;
}

uint32_t bw_tid(void) {
    if (thread_id == 0) {
        thread_id = (uint32_t) syscall(SYS_gettid);
    }
    return thread_id;
}

/* Thread exit (a thread-specific destructor): the thread's ring goes back for the drain thread to reclaim. */
static void release_thread_ring(void *unused) {
    if (thread_ring.generation == __atomic_load_n(&generation, __ATOMIC_ACQUIRE)) {
        bw_registry_release(&registry, thread_ring.index);
    }
    thread_ring.generation = 0;
}

/* The calling thread's ring, acquired on its first record; NULL when none is free (the record counts as dropped). */
static struct bw_ring *my_ring(void) {
    uint32_t current = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
    if (thread_ring.generation != current) {
        int index = bw_registry_acquire(&registry, ring_slots);
        if (index < 0) {
            return NULL;
        }
        thread_ring.index = index;
        thread_ring.generation = current;
        pthread_setspecific(ring_key, &thread_ring); /* non-NULL: the destructor runs at thread exit */
    }
    return __atomic_load_n(&registry.rings[thread_ring.index], __ATOMIC_ACQUIRE);
}

/* Whether records are taken now: a forked child's agent starts again on its first record. */
static int recording(void) {
    if (!__atomic_load_n(&running, __ATOMIC_ACQUIRE) && !__atomic_load_n(&started, __ATOMIC_ACQUIRE)) {
        bw_agent_init();
    }
    return __atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

static void push(const uint8_t *record, size_t length) {
    if (!recording()) {
        return;
    }
    struct bw_ring *ring = my_ring();
    if (ring != NULL) {
        bw_ring_push(ring, record, length); /* a full ring drops and counts */
    }
}

void bw_emit_event(uint16_t kind, const struct bw_event *event) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    push(record, bw_encode_event(record, kind, event));
}

/* Waits (bounded) for room in a full ring, then pushes; for threads that are not the application's. */
static void push_patiently(const uint8_t *record, size_t length) {
    struct bw_ring *ring = recording() ? my_ring() : NULL;
    if (ring == NULL) {
        return;
    }
    uint64_t waited = 0;
    while (ring->head - __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE) >= ring->capacity
            && waited < PATIENT_LIMIT_NS && __atomic_load_n(&running, __ATOMIC_ACQUIRE)) {
        struct timespec pause = {0, PATIENT_WAIT_NS};
        nanosleep(&pause, NULL);
        waited += PATIENT_WAIT_NS;
    }
    bw_ring_push(ring, record, length); /* counted as dropped if the drain thread is still behind */
}

void bw_emit_event_patient(uint16_t kind, const struct bw_event *event) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    push_patiently(record, bw_encode_event(record, kind, event));
}

void bw_emit_info(const char *text) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    push(record, bw_encode_info(record, text));
}

void bw_emit_ext_correlation(uint32_t cupti_correlation, uint64_t agent_correlation) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    push_patiently(record, bw_encode_ext_correlation(record, cupti_correlation, agent_correlation));
}

/* Moves every ring's records to the sink and reclaims the rings of threads that have exited; returns how many. */
static size_t drain_once(void) {
    uint8_t record[BW_MAX_RECORD_SIZE];
    size_t moved = 0;
    uint32_t used = __atomic_load_n(&registry.used, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < used && i < BW_MAX_THREADS; i++) {
        struct bw_ring *ring = __atomic_load_n(&registry.rings[i], __ATOMIC_ACQUIRE);
        if (ring == NULL) {
            continue;
        }
        /* Read the state before draining: a thread that released its slot pushes nothing after, so once drained
         * the slot can go to another thread. */
        int released = __atomic_load_n(&registry.states[i], __ATOMIC_ACQUIRE) == BW_SLOT_RELEASED;
        size_t length;
        while ((length = bw_ring_pop(ring, record)) > 0) {
            bw_sink_write(&sink, record, length);
            moved++;
        }
        if (released) {
            bw_registry_reclaim(&registry, (int) i);
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

/* A forked child writes only a file named by its own pid (or its own collector connection): never its parent's. */
static const char *file_pattern(void) {
    const char *file = getenv("BRIDGEWATCH_AGENT_FILE");
    if (file == NULL) {
        file = DEFAULT_FILE;
    }
    return forked_child && strstr(file, "%p") == NULL ? NULL : file;
}

static void *drain(void *unused) {
    /* Everything that may block (connecting, opening files, NVML) happens here, never on an application thread. */
    if (bw_sink_open(&sink, getenv("BRIDGEWATCH_AGENT_SOCKET"), file_pattern(), bw_pid(), bw_now_ns()) != 0) {
        __atomic_store_n(&running, 0, __ATOMIC_RELEASE);
        fprintf(stderr, "bridgewatch agent: not recording: %s\n", sink.description);
        return NULL;
    }
    if (getenv("BRIDGEWATCH_AGENT_QUIET") == NULL) {
        fprintf(stderr, "bridgewatch agent: recording to %s\n", sink.description);
    }
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

static void read_configuration(void) {
    const char *slots = getenv("BRIDGEWATCH_AGENT_RING");
    if (slots != NULL && atoi(slots) > 0) {
        ring_slots = (uint32_t) atoi(slots);
    }
    const char *exit_ms = getenv("BRIDGEWATCH_AGENT_EXIT_MS");
    if (exit_ms != NULL && atoi(exit_ms) >= 0) {
        exit_wait_ns = (uint64_t) atoi(exit_ms) * 1000000ull;
    }
}

static void after_fork_in_child(void);

static pthread_once_t key_created = PTHREAD_ONCE_INIT;

static void create_key(void) {
    pthread_key_create(&ring_key, release_thread_ring);
    pthread_atfork(NULL, NULL, after_fork_in_child);
}

/* Starts recording: no lock (a fork may come at any time) and no I/O on the calling application thread. */
void bw_agent_init(void) {
    int expected = 0;
    if (__atomic_load_n(&started, __ATOMIC_ACQUIRE)
            || !__atomic_compare_exchange_n(&started, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        return;
    }
    pthread_once(&key_created, create_key);
    read_configuration();
    __atomic_store_n(&running, 1, __ATOMIC_RELEASE); /* threads record into their rings while the sink opens */
    if (pthread_create(&drain_thread, NULL, drain, NULL) != 0) {
        __atomic_store_n(&running, 0, __ATOMIC_RELEASE);
        fprintf(stderr, "bridgewatch agent: not recording: cannot start the drain thread\n");
        return;
    }
    __atomic_store_n(&drain_started, 1, __ATOMIC_RELEASE);
}

/*
 * A forked child has the parent's memory but not its drain thread, and shares its collector connection: it drops
 * the parent's rings and connection and starts an agent of its own on its first CUDA call (its own connection, or a
 * file named by its pid; with a file name without %p it stays silent rather than overwrite its parent's file).
 */
static void after_fork_in_child(void) {
    if (!__atomic_load_n(&started, __ATOMIC_ACQUIRE)) {
        return;
    }
    __atomic_store_n(&running, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&drain_started, 0, __ATOMIC_RELEASE);
    if (sink.fd >= 0) {
        close(sink.fd); /* the child's copy: the parent's connection stays open */
        sink.fd = -1;
    }
    sink.used = 0;
    bw_registry_reset(&registry);
    __atomic_add_fetch(&generation, 1, __ATOMIC_ACQ_REL);
    bw_cupti_forget();
    __atomic_store_n(&process_id, 0, __ATOMIC_RELAXED);
    thread_id = 0; /* the forking thread's id in the child is the child's pid */
    forked_child = 1;
    __atomic_store_n(&started, 0, __ATOMIC_RELEASE);
}

/* Process exit: the last records are written within a bounded time (BRIDGEWATCH_AGENT_EXIT_MS), never waiting on a
 * stalled collector for longer; what is still unwritten then is lost with the process. */
__attribute__((destructor)) static void stop(void) {
    if (!__atomic_load_n(&drain_started, __ATOMIC_ACQUIRE) || !__atomic_load_n(&running, __ATOMIC_ACQUIRE)) {
        return;
    }
    uint64_t began = bw_monotonic_ns();
    bw_cupti_flush(); /* the last GPU activity records, before the rings are drained for good */
    /* Leave a quarter of the budget for writing to the file what a stalled collector did not take. */
    bw_sink_set_deadline(&sink, began + exit_wait_ns - exit_wait_ns / 4);
    __atomic_store_n(&running, 0, __ATOMIC_RELEASE);
    uint64_t deadline_ns = bw_now_ns() + exit_wait_ns;
    struct timespec deadline = {(time_t) (deadline_ns / 1000000000ull), (long) (deadline_ns % 1000000000ull)};
    pthread_timedjoin_np(drain_thread, NULL, &deadline);
}
