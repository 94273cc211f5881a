package io.bridgewatch.streams.cost;

import java.util.OptionalLong;
import io.bridgewatch.streams.window.ObjectCacheStore;

/**
 * The end of the latest work enqueued on each (node, gpu, context, stream), kept in a state store: GPU ends for the
 * cost's {@code prior_end}, host-seen ends for CPU-only copy intervals (each in its own store).
 */
public final class StreamTails {
    private final ObjectCacheStore<Long> store;
    /** The latest stream asked about and its key: a node's work comes in runs on one stream (no key built). */
    private String lastNode;
    private int lastGpu;
    private long lastContext;
    private long lastStream;
    private String lastKey;

    /** Over the store of a processor being initialized: what it cached before is forgotten (see reload). */
    public StreamTails(ObjectCacheStore<Long> store) {
        this.store = store;
        store.reload();
    }

    public OptionalLong get(String node, int gpu, long context, long stream) {
        Long tail = store.get(key(node, gpu, context, stream));
        return tail == null ? OptionalLong.empty() : OptionalLong.of(tail);
    }

    /** Records that work on this stream ends at {@code endNs}, if that is later than what is known. */
    public void advance(String node, int gpu, long context, long stream, long endNs) {
        String key = key(node, gpu, context, stream);
        Long tail = store.get(key);
        if (tail == null || endNs > tail) {
            store.put(key, endNs);
        }
    }

    private String key(String node, int gpu, long context, long stream) {
        if (stream != lastStream || context != lastContext || gpu != lastGpu || !node.equals(lastNode)) {
            lastNode = node;
            lastGpu = gpu;
            lastContext = context;
            lastStream = stream;
            lastKey = new StringBuilder(node.length() + 24).append(node).append('|').append(gpu).append('|')
                    .append(context).append('|').append(stream).toString();
        }
        return lastKey;
    }
}
