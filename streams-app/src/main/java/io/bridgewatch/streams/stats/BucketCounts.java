package io.bridgewatch.streams.stats;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A {@link LogHistogram}'s counts as the window state's {@code map<long>} holds them (bucket key to count), kept as
 * one counter per bucket: counting a value is an array increment, where a map's merge looked up the key and boxed a
 * new count (three histograms per copy, a twentieth of the topology's time). It is the state's map to whatever reads
 * or writes it (Avro writes its entries; keys other than the buckets' are kept too); a state read back from its store
 * has Avro's own maps, which {@link LogHistogram} counts into as before.
 */
public final class BucketCounts extends AbstractMap<String, Long> {
    private final long[] counts = new long[LogHistogram.BUCKETS];
    private final boolean[] present = new boolean[LogHistogram.BUCKETS];
    private int presentCount;
    /** Keys that name no bucket of the array. */
    private final Map<String, Long> others = new HashMap<>();

    /** Counts one value in the bucket of {@link LogHistogram#bucketIndexOf}. */
    public void increment(int bucket) {
        if (!present[bucket]) {
            present[bucket] = true;
            presentCount++;
        }
        counts[bucket]++;
    }

    @Override
    public Long get(Object key) {
        int bucket = indexOf(key);
        if (bucket < 0) {
            return others.get(key);
        }
        return present[bucket] ? counts[bucket] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        int bucket = indexOf(key);
        return bucket < 0 ? others.containsKey(key) : present[bucket];
    }

    @Override
    public Long put(String key, Long value) {
        int bucket = indexOf(key);
        if (bucket < 0 || value == null) {
            return others.put(key, value);
        }
        Long previous = present[bucket] ? counts[bucket] : null;
        if (!present[bucket]) {
            present[bucket] = true;
            presentCount++;
        }
        counts[bucket] = value;
        return previous;
    }

    @Override
    public Long remove(Object key) {
        int bucket = indexOf(key);
        if (bucket < 0) {
            return others.remove(key);
        }
        if (!present[bucket]) {
            return null;
        }
        Long previous = counts[bucket];
        clearBucket(bucket);
        return previous;
    }

    @Override
    public int size() {
        return presentCount + others.size();
    }

    @Override
    public Set<Entry<String, Long>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Long>> iterator() {
                return new Entries();
            }

            @Override
            public int size() {
                return BucketCounts.this.size();
            }
        };
    }

    private void clearBucket(int bucket) {
        present[bucket] = false;
        counts[bucket] = 0;
        presentCount--;
    }

    /** The bucket a key names, or -1 (not a bucket's key: its decimal index, as {@link LogHistogram} writes it). */
    private static int indexOf(Object key) {
        if (!(key instanceof String text) || text.isEmpty() || text.length() > 9) {
            return -1;
        }
        int index = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || (i == 0 && c == '0' && text.length() > 1)) {
                return -1;
            }
            index = index * 10 + (c - '0');
        }
        return index < LogHistogram.BUCKETS ? index : -1;
    }

    /** The buckets in order, then the other keys. */
    private final class Entries implements Iterator<Entry<String, Long>> {
        private int next = nextPresent(0);
        private int last = -1;
        private Iterator<Entry<String, Long>> rest;

        @Override
        public boolean hasNext() {
            return next < counts.length || others().hasNext();
        }

        @Override
        public Entry<String, Long> next() {
            if (next < counts.length) {
                last = next;
                next = nextPresent(next + 1);
                return new SimpleImmutableEntry<>(LogHistogram.keyOf(last), counts[last]);
            }
            if (!others().hasNext()) {
                throw new NoSuchElementException();
            }
            last = -1;
            return others().next();
        }

        @Override
        public void remove() {
            if (last >= 0) {
                clearBucket(last);
                last = -1;
            } else {
                others().remove();
            }
        }

        private Iterator<Entry<String, Long>> others() {
            if (rest == null) {
                rest = others.entrySet().iterator();
            }
            return rest;
        }

        private int nextPresent(int from) {
            int i = from;
            while (i < present.length && !present[i]) {
                i++;
            }
            return i;
        }
    }
}
