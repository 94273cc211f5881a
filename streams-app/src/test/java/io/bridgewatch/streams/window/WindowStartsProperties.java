package io.bridgewatch.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** The remembered window gives what the division gives, for runs in one window, jumps, and the ends of a long. */
class WindowStartsProperties {
    @Property
    void givesTheDivisionsStart(@ForAll("times") List<Long> times, @ForAll @LongRange(min = 1, max = 86_400_000)
            long window) {
        WindowStarts starts = new WindowStarts(window);
        for (long time : times) {
            assertThat(starts.startOf(time)).as("%d in windows of %d", time, window)
                    .isEqualTo(Math.floorDiv(time, window) * window);
        }
    }

    /** Times near each other (runs of one window, neighbours), far apart, and at the extremes. */
    @Provide
    Arbitrary<List<Long>> times() {
        Arbitrary<Long> base = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-5_000, 5_000),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 0L, -1L));
        return base.flatMap(start -> Arbitraries.longs().between(-3_000, 3_000).list().ofMaxSize(30)
                .map(steps -> {
                    List<Long> times = new ArrayList<>();
                    long time = start;
                    for (long step : steps) {
                        time = step > 0 && time > Long.MAX_VALUE - step || step < 0 && time < Long.MIN_VALUE - step
                                ? time : time + step;
                        times.add(time);
                    }
                    return times;
                }));
    }
}
