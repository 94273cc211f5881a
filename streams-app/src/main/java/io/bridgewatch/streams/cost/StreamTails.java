package io.bridgewatch.streams.cost;

import io.bridgewatch.streams.window.ObjectCacheStore;

/**
 * The end of the latest work enqueued on each (node, gpu, context, stream), kept in a state store: GPU ends for the
 * cost's {@code prior_end}, host-seen ends for CPU-only copy intervals (each in its own store).
 */
public final class StreamTails {
    /** Streams remembered: a node's work comes in runs on a few streams (its copies' and its kernels'). */
    private static final int RECENT = 4;
    private final ObjectCacheStore<Long> store;
    /**
     * The streams asked about last, their store keys and tails: each looked up and keyed once per run, not per
     * event. This is the store's only writer, so a remembered tail stays the stored one.
     */
    private final String[] nodes = new String[RECENT];
    private final int[] gpus = new int[RECENT];
    private final long[] contexts = new long[RECENT];
    private final long[] streams = new long[RECENT];
    private final String[] keys = new String[RECENT];
    private final long[] tails = new long[RECENT];
    private int remembered;
    private int nextToReplace;

    /** Over the store of a processor being initialized: what it cached before is forgotten (see reload). */
    public StreamTails(ObjectCacheStore<Long> store) {
        this.store = store;
        store.reload();
    }

    /** The stream's tail, or {@link CrossingCost#NONE} when none is known. */
    public long get(String node, int gpu, long context, long stream) {
        return tails[slotOf(node, gpu, context, stream)];
    }

    /** Records that work on this stream ends at {@code endNs}, if that is later than what is known. */
    public void advance(String node, int gpu, long context, long stream, long endNs) {
        int slot = slotOf(node, gpu, context, stream);
        if (tails[slot] == CrossingCost.NONE || endNs > tails[slot]) {
            tails[slot] = endNs;
            store.put(keys[slot], endNs);
        }
    }

    /** The stream's slot among the remembered ones; one not among them replaces the oldest remembered. */
    private int slotOf(String node, int gpu, long context, long stream) {
        for (int i = 0; i < remembered; i++) {
            if (streams[i] == stream && contexts[i] == context && gpus[i] == gpu && node.equals(nodes[i])) {
                return i;
            }
        }
        int slot = remembered < RECENT ? remembered++ : nextToReplace;
        nextToReplace = (slot + 1) % RECENT;
        nodes[slot] = node;
        gpus[slot] = gpu;
        contexts[slot] = context;
        streams[slot] = stream;
        keys[slot] = new StringBuilder(node.length() + 24).append(node).append('|').append(gpu).append('|')
                .append(context).append('|').append(stream).toString();
        Long tail = store.get(keys[slot]);
        tails[slot] = tail == null ? CrossingCost.NONE : tail;
        return slot;
    }
}
