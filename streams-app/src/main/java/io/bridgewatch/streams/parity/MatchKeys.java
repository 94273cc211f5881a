package io.bridgewatch.streams.parity;

import io.bridgewatch.schema.KernelExec;
import java.util.List;
import java.util.Objects;

/**
 * The match keys of the latest kernels seen ({@link KernelDurationAggregator#matchKey}): a serving loop launches the
 * same few kernels over and over, so each key (a kernel name of up to hundreds of characters and its launch
 * dimensions) is built, and its hash computed, once rather than per launch. One per processor and thread.
 */
final class MatchKeys {
    /** Kernels remembered; a decode step launches a few dozen distinct ones. */
    private static final int RECENT = 64;
    private final String[] names = new String[RECENT];
    private final Long[] graphs = new Long[RECENT];
    private final int[][] grids = new int[RECENT][];
    private final int[][] blocks = new int[RECENT][];
    private final String[] keys = new String[RECENT];
    private int remembered;
    private int nextToReplace;
    /** The slot that matched last: the next launch is most often the same kernel or the one after it. */
    private int last;

    String of(KernelExec k) {
        for (int n = 0; n < remembered; n++) {
            int slot = (last + n) % remembered;
            if (matches(slot, k)) {
                last = slot;
                return keys[slot];
            }
        }
        int slot = remembered < RECENT ? remembered++ : nextToReplace;
        nextToReplace = (slot + 1) % RECENT;
        names[slot] = k.getKernelName();
        graphs[slot] = k.getGraphId();
        grids[slot] = toArray(k.getGrid());
        blocks[slot] = toArray(k.getBlock());
        keys[slot] = KernelDurationAggregator.matchKey(k);
        last = slot;
        return keys[slot];
    }

    private boolean matches(int slot, KernelExec k) {
        if (!Objects.equals(graphs[slot], k.getGraphId())) {
            return false;
        }
        if (k.getGraphId() != null) {
            return true; // a graph launch's key is its graph id alone
        }
        return sameDims(grids[slot], k.getGrid()) && sameDims(blocks[slot], k.getBlock())
                && names[slot].equals(k.getKernelName());
    }

    private static boolean sameDims(int[] known, List<Integer> dims) {
        if (known.length != dims.size()) {
            return false;
        }
        for (int i = 0; i < known.length; i++) {
            if (known[i] != dims.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static int[] toArray(List<Integer> dims) {
        int[] copy = new int[dims.size()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = dims.get(i);
        }
        return copy;
    }
}
