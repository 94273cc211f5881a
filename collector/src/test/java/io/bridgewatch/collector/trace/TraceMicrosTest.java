package io.bridgewatch.collector.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceMicrosTest {

    @Test
    void shouldGiveTheNanosecondsThatRoundingTheDoubleGives() {
        Random random = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            long whole = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(10_000);
                case 1 -> (long) (random.nextDouble() * 1e9);
                default -> 999_999_999_999L - random.nextInt(1_000_000); // the largest of twelve digits
            };
            int decimals = random.nextInt(4);
            String text = (random.nextInt(8) == 0 ? "-" : "") + whole
                    + (decimals == 0 ? "" : "." + String.format(Locale.ROOT, "%0" + decimals + "d",
                            random.nextInt((int) Math.pow(10, decimals))));
            assertThat(nanos(text)).as(text).isEqualTo(Math.round(Double.parseDouble(text) * 1000));
        }
    }

    /** Times as Java writes doubles (the exponent form from 10^7 on), as some trace writers do. */
    @Test
    void shouldReadTheExponentFormAsTheDoubleRoundedWouldBe() {
        Random random = new Random(4);
        for (int i = 0; i < 200_000; i++) {
            double micros = Math.round(random.nextDouble() * Math.pow(10, 3 + random.nextInt(13))) / 1000.0;
            String text = Double.toString(micros);
            long nanos = nanos(text);
            if (micros < 1e12) {
                assertThat(nanos).as(text).isEqualTo(Math.round(micros * 1000));
            }
        }
        assertThat(nanos("1.0000052998E7")).isEqualTo(10_000_052_998L);
        assertThat(nanos("8.13192241169E8")).isEqualTo(813_192_241_169L);
        assertThat(nanos("2.5E-1")).isEqualTo(250);
        assertThat(nanos("25e-3")).isEqualTo(25);
    }

    @Test
    void shouldLeaveOtherFormsToTheDouble() {
        for (String text : new String[] {"1.0005", "1e-4", "2.5E-4", "1234567890123.5", "1695000000000000.123",
                "1.695000000000000123E15", "1e", "1e+", "1.2.3", "-", "", ".5"}) {
            assertThat(nanos(text)).as(text).isEqualTo(TraceMicros.NOT_EXACT);
        }
        assertThat(nanos("0.001")).isEqualTo(1);
        assertThat(nanos("-0")).isZero();
        assertThat(nanos("12.3")).isEqualTo(12_300);
    }

    private static long nanos(String text) {
        char[] padded = ("[" + text + "]").toCharArray();
        return TraceMicros.toNanos(padded, 1, text.length());
    }
}
