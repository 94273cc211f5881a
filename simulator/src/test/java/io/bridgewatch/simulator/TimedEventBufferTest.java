package io.bridgewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.ServingSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class TimedEventBufferTest {
    /** Events in time order with ties in the order added, however they were added and released. */
    @Test
    void releasesInTimeOrderTiesAsAdded() {
        SplittableRandom random = new SplittableRandom(7);
        for (int run = 0; run < 500; run++) {
            TimedEventBuffer buffer = new TimedEventBuffer();
            List<long[]> pending = new ArrayList<>(); // time, sequence
            List<SpecificRecord> released = new ArrayList<>();
            List<Long> expected = new ArrayList<>();
            long clock = 0;
            long sequence = 0;
            for (int step = 0; step < 60; step++) {
                if (random.nextInt(3) > 0) {
                    // mostly ahead of the latest, sometimes behind it, often tied with it
                    long time = Math.max(0, clock + random.nextLong(-5, 20));
                    buffer.add(time, sample(sequence));
                    pending.add(new long[] {time, sequence++});
                } else {
                    clock += random.nextLong(0, 15);
                    long until = clock;
                    buffer.releaseUntil(until, released::add);
                    pending.stream().filter(p -> p[0] <= until)
                            .sorted(Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]))
                            .forEach(p -> expected.add(p[1]));
                    pending.removeIf(p -> p[0] <= until);
                }
            }
            assertThat(released.stream().map(s -> ((ServingSample) s).getIntervalStartNs()).toList())
                    .isEqualTo(expected);
            assertThat(buffer.size()).isEqualTo(pending.size());
        }
    }

    private static ServingSample sample(long sequence) {
        return ServingSample.newBuilder().setNodeId("n").setIntervalStartNs(sequence).setIntervalEndNs(sequence)
                .setOutputTokens(0).setPromptTokens(0).setRequestsFinished(0).setRunningRequests(0.0).build();
    }
}
