package io.bridgewatch.collector.trace;

import com.carrotsearch.hppc.LongIntHashMap;
import java.util.Arrays;

/**
 * The latest host calls that launch GPU work, by correlation id, for the activities that join them: at most
 * {@code capacity}, the earliest read forgotten first. A multi-gigabyte trace keeps hundreds of thousands, so they
 * are kept in columns of primitives (a slot per call, reused as a ring) rather than as an object each: the garbage
 * collector has a few arrays to trace instead of a map's entries, keys and values.
 *
 * <p>Correlation ids count up, so the id finds its slot through an array indexed by the id's low bits, two to four
 * times the slots long: the calls kept lie side by side in it, where a hash map's scattered buckets cost a cache
 * miss per call (a ninth of the reader's time). An id whose place there holds another kept call's goes to a hash map
 * beside.
 */
final class HostCallTable {
    private static final int INITIAL_SLOTS = 1024;
    private static final int ABSENT = -1;

    private final int capacity;
    /** Slot + 1 of the kept call whose id's low bits index here, 0 where none. */
    private int[] slotByLowBits = new int[1];
    private int lowBitsMask;
    /** The slots of kept calls whose place in {@link #slotByLowBits} another kept call holds. */
    private final LongIntHashMap slotOfCollidingId = new LongIntHashMap();
    private long[] ids = new long[0];
    private String[] names = new String[0];
    private int[] pids = new int[0];
    private long[] tids = new long[0];
    private long[] startNs = new long[0];
    private long[] endNs = new long[0];
    private boolean[] joined = new boolean[0];
    /** Slots in use; once it reaches the capacity, the next put reuses the earliest. */
    private int used;
    private int nextReused;
    private long forgottenUnmatched;

    HostCallTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Records a call; a call of the same id read before is replaced (its activities join the new one). */
    void put(long id, String name, int pid, long tid, long start, long end) {
        int slot = freeSlot();
        index(id, slot); // a former slot of the id is no longer current (see isCurrent)
        ids[slot] = id;
        names[slot] = name;
        pids[slot] = pid;
        tids[slot] = tid;
        startNs[slot] = start;
        endNs[slot] = end;
        joined[slot] = false;
    }

    /** The slot of the call with this id, or -1 when none is kept. */
    int slotOf(long id) {
        int direct = slotByLowBits[lowBits(id)] - 1;
        if (direct >= 0 && ids[direct] == id) {
            return direct;
        }
        if (slotOfCollidingId.isEmpty()) {
            return ABSENT;
        }
        int index = slotOfCollidingId.indexOf(id);
        return slotOfCollidingId.indexExists(index) ? slotOfCollidingId.indexGet(index) : ABSENT;
    }

    private void index(long id, int slot) {
        int at = lowBits(id);
        int occupant = slotByLowBits[at] - 1;
        if (occupant < 0 || ids[occupant] == id) {
            slotByLowBits[at] = slot + 1;
            if (!slotOfCollidingId.isEmpty()) {
                slotOfCollidingId.remove(id); // an earlier call of the id, kept there while its place was taken
            }
        } else {
            slotOfCollidingId.put(id, slot);
        }
    }

    private void unindex(long id, int slot) {
        int at = lowBits(id);
        if (slotByLowBits[at] - 1 == slot) {
            slotByLowBits[at] = 0;
        } else {
            slotOfCollidingId.remove(id);
        }
    }

    private int lowBits(long id) {
        return (int) (id ^ (id >>> 32)) & lowBitsMask;
    }

    String name(int slot) {
        return names[slot];
    }

    int pid(int slot) {
        return pids[slot];
    }

    long tid(int slot) {
        return tids[slot];
    }

    long startNs(int slot) {
        return startNs[slot];
    }

    long endNs(int slot) {
        return endNs[slot];
    }

    void markJoined(int slot) {
        joined[slot] = true;
    }

    /** Calls no activity joined: those forgotten beyond the capacity and those still kept. */
    long unmatched() {
        long kept = 0;
        for (int slot = 0; slot < used; slot++) {
            if (!joined[slot] && isCurrent(slot)) {
                kept++;
            }
        }
        return forgottenUnmatched + kept;
    }

    private int freeSlot() {
        if (used < capacity) {
            if (used == ids.length) {
                grow(Math.min(capacity, Math.max(INITIAL_SLOTS, ids.length * 2)));
            }
            return used++;
        }
        int slot = nextReused;
        nextReused = (nextReused + 1) % capacity;
        if (isCurrent(slot)) {
            unindex(ids[slot], slot);
            if (!joined[slot]) {
                forgottenUnmatched++;
            }
        }
        return slot;
    }

    /** Whether the slot still holds its id's call (not one replaced by a later call of the same id). */
    private boolean isCurrent(int slot) {
        return slotOf(ids[slot]) == slot;
    }

    /** Grows the columns (all slots in use) and indexes their current calls anew. */
    private void grow(int slots) {
        boolean[] current = new boolean[used];
        for (int slot = 0; slot < used; slot++) {
            current[slot] = isCurrent(slot);
        }
        slotByLowBits = new int[Integer.highestOneBit(slots) * 4]; // a power of two, two to four times the slots
        lowBitsMask = slotByLowBits.length - 1;
        slotOfCollidingId.clear();
        ids = Arrays.copyOf(ids, slots);
        names = Arrays.copyOf(names, slots);
        pids = Arrays.copyOf(pids, slots);
        tids = Arrays.copyOf(tids, slots);
        startNs = Arrays.copyOf(startNs, slots);
        endNs = Arrays.copyOf(endNs, slots);
        joined = Arrays.copyOf(joined, slots);
        for (int slot = 0; slot < used; slot++) {
            if (current[slot]) {
                index(ids[slot], slot);
            }
        }
    }
}
