package io.bridgewatch.collector.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel grid and block dimensions as the schema's lists, one unmodifiable list per distinct shape: a trace launches
 * a few dozen shapes millions of times (up to {@value #MAX_SHAPES} shapes are shared; beyond, each gets its own).
 */
final class LaunchShapes {
    static final int MAX_SHAPES = 4096;

    private record Shape(int[] dims) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Shape s && Arrays.equals(dims, s.dims);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(dims);
        }
    }

    private final Map<Shape, List<Integer>> shared = new HashMap<>();
    private int[] lastDims;
    private List<Integer> lastList;

    /** The shape of the first {@code length} values (the array is the caller's to reuse). */
    List<Integer> of(int[] dims, int length) {
        // A trace launches the same shape many times in a row: the last one is checked first.
        if (lastDims != null && Arrays.equals(dims, 0, length, lastDims, 0, lastDims.length)) {
            return lastList;
        }
        lastDims = Arrays.copyOf(dims, length);
        lastList = sharedList(lastDims);
        return lastList;
    }

    private List<Integer> sharedList(int[] dims) {
        Shape shape = new Shape(dims);
        List<Integer> list = shared.get(shape);
        if (list == null) {
            List<Integer> values = new ArrayList<>(dims.length);
            for (int d : dims) {
                values.add(d);
            }
            list = Collections.unmodifiableList(values);
            if (shared.size() < MAX_SHAPES) {
                shared.put(new Shape(dims), list);
            }
        }
        return list;
    }
}
