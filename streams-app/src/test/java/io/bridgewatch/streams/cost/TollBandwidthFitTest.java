package io.bridgewatch.streams.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TollBandwidthFitTest {

    @Test
    void shouldRecoverTollAndBandwidthFromBinsOnALine() {
        List<BinPoint> points = new ArrayList<>();
        for (int k = 2; k <= 26; k += 2) {
            double bytes = 1L << k;
            points.add(new BinPoint(bytes, 330e-6 + bytes / 11e9, 10));
        }
        TollBandwidthFit.Result fit = TollBandwidthFit.fit(points);
        assertThat(fit.tollSeconds()).isCloseTo(330e-6, within(1e-9));
        assertThat(fit.bandwidthBytesPerSecond()).isCloseTo(11e9, within(1e3));
        assertThat(fit.rSquared()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void shouldIgnoreAnOutlierBin() {
        List<BinPoint> points = new ArrayList<>();
        for (int k = 4; k <= 24; k += 2) {
            double bytes = 1L << k;
            points.add(new BinPoint(bytes, 15e-6 + bytes / 55e9, 10));
        }
        points.set(3, new BinPoint(points.get(3).meanBytes(), 5e-3, 10)); // one bin stuck behind a queue
        TollBandwidthFit.Result fit = TollBandwidthFit.fit(points);
        assertThat(fit.tollSeconds()).isCloseTo(15e-6, within(0.5e-6));
        assertThat(fit.bandwidthBytesPerSecond()).isCloseTo(55e9, within(55e9 * 0.02));
    }

    @Test
    void shouldReportOnlyTheTollWhenSizesSpanTooLittle() {
        TollBandwidthFit.Result fit = TollBandwidthFit.fit(List.of(new BinPoint(256, 331e-6, 5),
                new BinPoint(512, 329e-6, 5), new BinPoint(1024, 330e-6, 5)));
        assertThat(fit.tollSeconds()).isCloseTo(330e-6, within(1e-12));
        assertThat(fit.bandwidthBytesPerSecond()).isNull();
    }

    @Test
    void shouldTellNoTollFromLargeCopiesOfOneSize() {
        // A model load: 64 MiB tensors only, their cost is transfer time.
        TollBandwidthFit.Result fit = TollBandwidthFit.fit(List.of(new BinPoint(64 << 20, 0.39, 16)));
        assertThat(fit.tollSeconds()).isNull();
        assertThat(fit.bandwidthBytesPerSecond()).isNull();
        assertThat(fit.bins()).isEqualTo(1);
    }
}
