package io.bridgewatch.collector.agent;

/**
 * The stream a host call named. CUDA's stream handles 0, {@code CU_STREAM_LEGACY} (1) and
 * {@code CU_STREAM_PER_THREAD} (2) are not streams of their own: 0 is the legacy default stream, shared by every
 * thread, unless the call was a per-thread default stream variant ({@code _ptds}/{@code _ptsz}), where it is the
 * calling thread's own default stream, as {@code CU_STREAM_PER_THREAD} always is. Each thread's default stream gets
 * an id of its own, so that copies on two threads' default streams count as the two streams they are.
 */
final class DefaultStreams {

    private static final long LEGACY = 1;
    private static final long PER_THREAD = 2;

    /** Ids of per-thread default streams: this bit and the thread id (real handles are pointers, far below it). */
    static final long PER_THREAD_STREAM_BIT = 1L << 62;

    private DefaultStreams() {
    }

    static long streamOf(long handle, boolean perThreadVariant, long tid) {
        if (handle == PER_THREAD || (handle == 0 && perThreadVariant)) {
            return PER_THREAD_STREAM_BIT | tid;
        }
        return handle == LEGACY ? 0 : handle;
    }
}
