package io.bridgewatch.streams.interval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntervalSetsTest {
    private static Interval i(long start, long end) {
        return new Interval(start, end);
    }

    @Test
    void shouldMergeOverlappingAndTouchingIntervalsAndKeepGaps() {
        assertThat(IntervalSets.union(List.of(i(5, 8), i(0, 2), i(1, 3), i(3, 4), i(10, 10))))
                .containsExactly(i(0, 4), i(5, 8));
        assertThat(IntervalSets.unionMeasure(List.of(i(5, 8), i(0, 2), i(1, 3), i(3, 4)))).isEqualTo(7);
    }

    @Test
    void shouldGiveConcurrencyOneForSerializedCopiesAndTwoForFullyOverlappingOnes() {
        assertThat(IntervalSets.concurrencyIndex(List.of(i(0, 100), i(100, 200)))).isEqualTo(1.0);
        assertThat(IntervalSets.concurrencyIndex(List.of(i(0, 100), i(0, 100)))).isEqualTo(2.0);
        // Half overlapping: 200 of copy time over 150 of union.
        assertThat(IntervalSets.concurrencyIndex(List.of(i(0, 100), i(50, 150)))).isEqualTo(200.0 / 150);
        assertThat(IntervalSets.concurrencyIndex(List.of())).isNaN();
    }

    @Test
    void shouldMeasureTheOverlapOfTwoSets() {
        List<Interval> copies = List.of(i(0, 10), i(20, 30), i(25, 40));
        List<Interval> kernels = List.of(i(5, 22), i(35, 50));
        assertThat(IntervalSets.intersectionMeasure(copies, kernels)).isEqualTo(5 + 2 + 5);
        assertThat(IntervalSets.intersectionMeasure(copies, List.of())).isZero();
    }

    @Test
    void shouldAddToAUnionInPlaceAsTheUnionOfEverythingAddedWouldBe() {
        SplittableRandom random = new SplittableRandom(21);
        for (int trial = 0; trial < 500; trial++) {
            List<Interval> added = new ArrayList<>();
            List<Interval> union = new ArrayList<>();
            for (int n = random.nextInt(1, 60); n > 0; n--) {
                // Mostly growing at the end, sometimes well before it, touching and empty ones included.
                long start = random.nextInt(10) < 7 ? 10L * added.size() + random.nextInt(-15, 5)
                        : random.nextInt(0, 10 * (added.size() + 1));
                Interval interval = i(start, start + random.nextInt(0, 12));
                added.add(interval);
                IntervalSets.addToUnion(union, interval);
                assertThat(union).as("after %s", added).isEqualTo(IntervalSets.union(added));
            }
        }
        List<Interval> touching = new ArrayList<>(List.of(i(0, 2), i(5, 8)));
        IntervalSets.addToUnion(touching, i(2, 5));
        assertThat(touching).containsExactly(i(0, 8));
    }

    @Test
    void shouldClipToAWindow() {
        assertThat(IntervalSets.clip(List.of(i(-5, 5), i(8, 20), i(30, 40)), 0, 10)).containsExactly(i(0, 5), i(8, 10));
    }

    @Test
    void shouldAgreeWithAUnitGridOnRandomSets() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            List<Interval> a = randomSet(random);
            List<Interval> b = randomSet(random);
            boolean[] inA = grid(a);
            boolean[] inB = grid(b);
            long union = 0;
            long both = 0;
            for (int t = 0; t < inA.length; t++) {
                union += inA[t] ? 1 : 0;
                both += inA[t] && inB[t] ? 1 : 0;
            }
            assertThat(IntervalSets.unionMeasure(a)).isEqualTo(union);
            assertThat(IntervalSets.intersectionMeasure(a, b)).isEqualTo(both);
        }
    }

    private static List<Interval> randomSet(SplittableRandom random) {
        List<Interval> set = new ArrayList<>();
        for (int k = random.nextInt(8); k > 0; k--) {
            long start = random.nextInt(100);
            set.add(i(start, start + random.nextInt(30)));
        }
        return set;
    }

    private static boolean[] grid(List<Interval> set) {
        boolean[] cells = new boolean[140];
        for (Interval interval : set) {
            for (long t = interval.startNs(); t < interval.endNs(); t++) {
                cells[(int) t] = true;
            }
        }
        return cells;
    }
}
