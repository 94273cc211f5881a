package io.bridgewatch.collector.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast path gives what rounding the parsed double gives, whatever the size and form of the number. */
class TraceMicrosTest {

    @Test
    void shouldGiveWhatRoundingTheParsedDoubleGivesForKinetoTimes() {
        Random random = new Random(3);
        for (int i = 0; i < 300_000; i++) {
            long whole = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(10_000);
                case 1 -> (long) (random.nextDouble() * 1e9);
                case 2 -> 5_000_000_000_000L + (long) (random.nextDouble() * 1e12); // a CUPTI clock, as the H200's
                default -> (long) (random.nextDouble() * 9e12); // up to sixteen digits with three decimals
            };
            int decimals = random.nextInt(5);
            String text = (random.nextInt(8) == 0 ? "-" : "") + whole
                    + (decimals == 0 ? "" : "." + String.format(Locale.ROOT, "%0" + decimals + "d",
                            random.nextInt((int) Math.pow(10, decimals))));
            assertSameAsParsed(text);
        }
    }

    /** Times as Java writes doubles (the exponent form from 10^7 on), as some trace writers do. */
    @Test
    void shouldGiveWhatRoundingTheParsedDoubleGivesForJavasForm() {
        Random random = new Random(4);
        for (int i = 0; i < 300_000; i++) {
            double micros = random.nextDouble() * Math.pow(10, random.nextInt(17)) * (random.nextBoolean() ? 1 : -1);
            assertSameAsParsed(Double.toString(micros));
            assertSameAsParsed(Double.toString(Math.round(micros * 1000) / 1000.0));
        }
        assertThat(nanos("1.0000052998E7")).isEqualTo(10_000_052_998L);
        assertThat(nanos("5027301847845.775")).isEqualTo(5_027_301_847_845_775L);
        assertThat(nanos("2.5E-1")).isEqualTo(250);
        assertThat(nanos("0.001")).isEqualTo(1);
        assertThat(nanos("-0")).isZero();
    }

    @Test
    void shouldLeaveLongerNumbersAndOtherTextToTheParser() {
        for (String text : new String[] {"1695000000000000.123", "12345678901234567", "1e1234", "1e-23", "1e23",
                "1e", "1e+", "1.2.3", "-", "", ".5", "1x"}) {
            assertThat(nanos(text)).as(text).isEqualTo(TraceMicros.SLOW_PATH);
        }
    }

    /** Where the fast path takes the number, the same as parsing; it takes every Kineto time of the H200's clock. */
    private static void assertSameAsParsed(String text) {
        long fast = nanos(text);
        if (fast != TraceMicros.SLOW_PATH) {
            assertThat(fast).as(text).isEqualTo(Math.round(Double.parseDouble(text) * 1000));
        }
        boolean kinetoForm = text.matches("-?\\d{1,13}(\\.\\d{1,3})?");
        assertThat(fast != TraceMicros.SLOW_PATH || !kinetoForm).as("%s takes the fast path", text).isTrue();
    }

    private static long nanos(String text) {
        char[] padded = ("[" + text + "]").toCharArray();
        return TraceMicros.toNanos(padded, 1, text.length());
    }
}
