package io.bridgewatch.collector.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The phase around an instant is the innermost covering range's, however queries and additions interleave. */
class PhaseRangesTest {
    private static final Phase[] PHASES = Phase.values();

    /**
     * The definition: of two ranges that start together only the inner one is kept; of the kept ranges covering the
     * instant, the latest-starting one's phase.
     */
    private static Phase definition(List<long[]> ranges, long instant) {
        Map<Long, long[]> kept = new HashMap<>();
        for (long[] r : ranges) {
            kept.merge(r[0], r, (a, b) -> a[1] > b[1] ? b : a);
        }
        long[] best = null;
        for (long[] r : kept.values()) {
            if (r[0] <= instant && instant <= r[1] && (best == null || r[0] > best[0])) {
                best = r;
            }
        }
        return best == null ? null : PHASES[(int) best[2]];
    }

    @Test
    void shouldAnswerAsTheDefinitionWhetherInstantsComeInOrderOrNot() {
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            PhaseRanges ranges = new PhaseRanges();
            List<long[]> added = new ArrayList<>();
            long clock = 0;
            for (int i = 0; i < 2_000; i++) {
                clock += random.nextInt(100);
                if (random.nextInt(20) == 0) {
                    long start = clock - random.nextInt(500);
                    long end = start + random.nextInt(2_000);
                    int phase = random.nextInt(PHASES.length);
                    ranges.add(start, end, PHASES[phase]);
                    added.add(new long[] {start, end, phase});
                }
                // Mostly just after the last instant (the reader's order), sometimes well before it.
                long instant = random.nextInt(10) == 0 ? clock - random.nextInt(5_000) : clock;
                assertThat(ranges.at(instant)).as("seed %d, instant %d", seed, instant)
                        .isEqualTo(definition(added, instant));
            }
        }
    }

    /** As Kineto writes them: every annotation first, in any order (some starting together), then the questions. */
    @Test
    void shouldAnswerAsTheDefinitionWhenAllRangesComeFirstInAnyOrder() {
        for (int seed = 0; seed < 15; seed++) {
            Random random = new Random(seed);
            PhaseRanges ranges = new PhaseRanges();
            List<long[]> added = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                long start = random.nextInt(10) == 0 && !added.isEmpty()
                        ? added.get(random.nextInt(added.size()))[0] : random.nextInt(200_000);
                long end = start + random.nextInt(3_000);
                int phase = random.nextInt(PHASES.length);
                ranges.add(start, end, PHASES[phase]);
                added.add(new long[] {start, end, phase});
            }
            assertThat(ranges.size()).isEqualTo((int) added.stream().mapToLong(r -> r[0]).distinct().count());
            for (int i = 0; i < 3_000; i++) {
                long instant = random.nextInt(205_000);
                assertThat(ranges.at(instant)).as("seed %d, instant %d", seed, instant)
                        .isEqualTo(definition(added, instant));
            }
        }
    }
}
