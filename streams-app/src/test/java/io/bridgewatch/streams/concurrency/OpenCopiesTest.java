package io.bridgewatch.streams.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.streams.interval.Interval;
import io.bridgewatch.streams.interval.IntervalSets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ordered open copies mark exactly what a scan of every open copy marks, in any arrival order, and their clipped
 * union is the union of the clipped copies.
 */
class OpenCopiesTest {

    /** The definition, copy by copy: what OpenCopies did before it kept its copies in order. */
    private static final class EveryCopyScanned {
        final List<long[]> copies = new ArrayList<>();

        void add(long start, long end, long stream) {
            boolean overlapped = false;
            for (long[] c : copies) {
                if (c[2] == stream) {
                    continue;
                }
                if (c[0] <= start && start < c[1]) {
                    overlapped = true;
                }
                if (start <= c[0] && c[0] < end) {
                    c[3] = 1;
                }
            }
            copies.add(new long[] {start, end, stream, overlapped ? 1 : 0});
        }

        long removeEndingBy(long t) {
            long overlapped = copies.stream().filter(c -> c[1] <= t).mapToLong(c -> c[3]).sum();
            copies.removeIf(c -> c[1] <= t);
            return overlapped;
        }
    }

    @Test
    void shouldMarkTheSameCopiesAsAScanOfEveryCopy() {
        for (int seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            OpenCopies ordered = OpenCopies.empty();
            EveryCopyScanned reference = new EveryCopyScanned();
            long clock = 1_000_000;
            long sealed = 0;
            long overlappedOrdered = 0;
            long overlappedReference = 0;
            for (int i = 0; i < 400; i++) {
                // Mostly in order, sometimes late, sometimes starting together; lengths from 0 to a long copy.
                clock += random.nextInt(3) == 0 ? 0 : random.nextInt(2_000);
                long start = random.nextInt(8) == 0 ? clock - random.nextInt(20_000) : clock;
                long end = start + (random.nextInt(10) == 0 ? random.nextInt(200_000) : random.nextInt(5_000));
                long stream = random.nextInt(3);
                ordered.add(start, end, stream);
                reference.add(start, end, stream);
                if (random.nextInt(25) == 0) {
                    long from = clock - random.nextInt(40_000);
                    long to = from + random.nextInt(30_000);
                    assertThat(ordered.clippedUnion(from, to)).as("seed %d, [%d, %d)", seed, from, to)
                            .isEqualTo(IntervalSets.union(IntervalSets.clip(ordered.intervals(), from, to)));
                }
                if (random.nextInt(50) == 0) {
                    sealed = clock - random.nextInt(30_000);
                    overlappedOrdered += ordered.removeEndingBy(sealed);
                    overlappedReference += reference.removeEndingBy(sealed);
                    assertThat(overlappedOrdered).as("seed %d, sealed to %d", seed, sealed)
                            .isEqualTo(overlappedReference);
                }
            }
            assertThat(sorted(ordered.intervals())).as("seed %d", seed).isEqualTo(sorted(
                    reference.copies.stream().map(c -> new Interval(c[0], c[1])).toList()));
            assertThat(ordered.removeEndingBy(Long.MAX_VALUE) + overlappedOrdered).as("seed %d", seed)
                    .isEqualTo(reference.removeEndingBy(Long.MAX_VALUE) + overlappedReference);
        }
    }

    @Test
    void shouldKeepItsMarksAcrossAStoredState() {
        OpenCopies copies = OpenCopies.empty();
        copies.add(100, 200, 1);
        copies.add(150, 250, 2); // overlapped: starts while the first is in flight
        copies.add(50, 120, 3); // late, and not overlapped, but the first starts while it is in flight: marked
        OpenCopies restored = OpenCopies.decode(copies.encode());
        restored.add(240, 300, 1); // starts while the second is in flight
        restored.add(260, 270, 1); // the same stream as the copy in flight: not overlapped
        assertThat(restored.removeEndingBy(Long.MAX_VALUE)).isEqualTo(3);
    }

    private static List<Interval> sorted(List<Interval> intervals) {
        return intervals.stream().sorted(Comparator.comparingLong(Interval::startNs)
                .thenComparingLong(Interval::endNs)).toList();
    }
}
