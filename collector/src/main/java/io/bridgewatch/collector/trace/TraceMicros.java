package io.bridgewatch.collector.trace;

/**
 * A trace's microseconds ({@code ts}, {@code dur}) as nanoseconds, {@code Math.round(micros * 1000)} as before, with
 * the double made from the number's characters without parsing it (a double parse per time was a tenth of the
 * reader's time). A decimal of at most 2^53 as its digits and a power of ten within 22 is the quotient or product of
 * two doubles that hold their values exactly, which IEEE arithmetic rounds once, to the nearest double: the one a
 * correct parser gives (Clinger's fast path). Kineto writes three decimals ({@code 5027301847845.775}); Java's
 * shortest form has an exponent ({@code 1.0000052998E7}); longer numbers (epoch-based times) are left to the parser.
 */
final class TraceMicros {
    /** Not of the fast path's form: the caller parses the number. */
    static final long SLOW_PATH = Long.MIN_VALUE;
    private static final long MAX_EXACT_MANTISSA = 1L << 53;
    private static final int MAX_POWER = 22;
    private static final int MAX_EXPONENT_DIGITS = 3;
    private static final double[] POWERS_OF_TEN = new double[MAX_POWER + 1];

    static {
        double power = 1;
        for (int i = 0; i <= MAX_POWER; i++) {
            POWERS_OF_TEN[i] = power; // exact: 10^22 is the largest power of ten a double holds exactly
            power *= 10;
        }
    }

    private TraceMicros() {
    }

    /**
     * The nanoseconds of a JSON number {@code [-]digits[.digits][(e|E)[+|-]digits]} whose digits make at most 2^53
     * and whose power of ten is within 22, as {@code Math.round(Double.parseDouble(text) * 1000)}; else
     * {@link #SLOW_PATH}.
     */
    static long toNanos(char[] chars, int offset, int length) {
        int i = offset;
        int end = offset + length;
        boolean negative = i < end && chars[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        boolean inFraction = false;
        for (; i < end; i++) {
            char c = chars[i];
            if (isDigit(c)) {
                mantissa = mantissa * 10 + (c - '0');
                if (mantissa > MAX_EXACT_MANTISSA) {
                    return SLOW_PATH;
                }
                digits++;
                fractionDigits += inFraction ? 1 : 0;
            } else if (c == '.' && !inFraction && digits > 0) {
                inFraction = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return SLOW_PATH;
        }
        int exponent = 0;
        if (i < end && (chars[i] == 'e' || chars[i] == 'E')) {
            i++;
            boolean negativeExponent = i < end && chars[i] == '-';
            if (i < end && (chars[i] == '-' || chars[i] == '+')) {
                i++;
            }
            int exponentDigits = 0;
            for (; i < end && isDigit(chars[i]); i++) {
                if (++exponentDigits > MAX_EXPONENT_DIGITS) {
                    return SLOW_PATH;
                }
                exponent = exponent * 10 + (chars[i] - '0');
            }
            if (exponentDigits == 0) {
                return SLOW_PATH;
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        int power = exponent - fractionDigits;
        if (i != end || power < -MAX_POWER || power > MAX_POWER) {
            return SLOW_PATH;
        }
        double micros = power < 0 ? mantissa / POWERS_OF_TEN[-power] : mantissa * POWERS_OF_TEN[power];
        return Math.round((negative ? -micros : micros) * 1000);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
