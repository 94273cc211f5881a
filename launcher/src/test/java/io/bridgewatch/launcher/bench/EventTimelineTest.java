package io.bridgewatch.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventTimelineTest {
    @Test
    void answersTheFirstHandOverAtOrAfterAMillisecond() throws InterruptedException {
        EventTimeline timeline = new EventTimeline();
        assertThat(timeline.firstSendAtOrAfter(0)).isNull();
        timeline.handedOver(10);
        Long tenth = timeline.firstSendAtOrAfter(10);
        Thread.sleep(2);
        timeline.handedOver(10); // the same millisecond again: not its first
        timeline.handedOver(7); // an earlier one after a later: a later node of the same slice
        timeline.handedOver(20);
        assertThat(timeline.firstSendAtOrAfter(5)).isEqualTo(tenth);
        assertThat(timeline.firstSendAtOrAfter(10)).isEqualTo(tenth);
        assertThat(timeline.firstSendAtOrAfter(11)).isGreaterThan(tenth + 1_000_000);
        assertThat(timeline.firstSendAtOrAfter(20)).isEqualTo(timeline.firstSendAtOrAfter(11));
        assertThat(timeline.firstSendAtOrAfter(21)).isNull();
    }

    @Test
    void keepsEveryMillisecondOfALongRun() {
        EventTimeline timeline = new EventTimeline();
        for (long ms = 0; ms < 100_000; ms += 2) {
            timeline.handedOver(ms);
        }
        long previous = Long.MIN_VALUE;
        for (long ms = 0; ms < 100_000; ms += 1_001) {
            Long at = timeline.firstSendAtOrAfter(ms);
            assertThat(at).isNotNull().isGreaterThanOrEqualTo(previous);
            assertThat(at).isEqualTo(timeline.firstSendAtOrAfter(ms + ms % 2));
            previous = at;
        }
        assertThat(timeline.firstSendAtOrAfter(99_999)).isNull();
    }
}
