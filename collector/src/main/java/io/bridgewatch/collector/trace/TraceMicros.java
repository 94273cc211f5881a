package io.bridgewatch.collector.trace;

/**
 * A trace's microseconds ({@code ts}, {@code dur}) as nanoseconds, read from the number's characters: Kineto writes
 * them with at most three decimals (others, Java's shortest form, with an exponent: {@code 1.0000052998E7}), a
 * whole number of nanoseconds either way, so no floating point is needed (a double parse per time was a tenth of
 * the reader's time). Gives exactly what rounding the double times 1000 gives.
 */
final class TraceMicros {
    /** Not a whole number of nanoseconds within the bound: the caller rounds the number's double value instead. */
    static final long NOT_EXACT = Long.MIN_VALUE;
    /**
     * Below 10^12 microseconds (11.6 days) the double's error times 1000 stays under 0.25 ns, so rounding it gives
     * the same whole nanoseconds; longer times (epoch-based traces) take the double.
     */
    private static final long MAX_NANOS = 1_000_000_000_000_000L;
    private static final int MAX_DIGITS = 15;
    private static final int MAX_EXPONENT_DIGITS = 3;
    private static final int NANOS_PER_MICRO_DIGITS = 3;

    private TraceMicros() {
    }

    /**
     * The nanoseconds of a JSON number {@code [-]digits[.digits][(e|E)[+|-]digits]} that is a whole number of
     * nanoseconds under 10^15 written with up to fifteen digits, or {@link #NOT_EXACT}.
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
                if (++digits > MAX_DIGITS) {
                    return NOT_EXACT;
                }
                mantissa = mantissa * 10 + (c - '0');
                fractionDigits += inFraction ? 1 : 0;
            } else if (c == '.' && !inFraction && digits > 0) {
                inFraction = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return NOT_EXACT;
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
                    return NOT_EXACT;
                }
                exponent = exponent * 10 + (chars[i] - '0');
            }
            if (exponentDigits == 0) {
                return NOT_EXACT;
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        if (i != end) {
            return NOT_EXACT;
        }
        long nanos = mantissa;
        for (int scale = exponent - fractionDigits + NANOS_PER_MICRO_DIGITS; scale != 0; ) {
            if (scale < 0) {
                if (nanos % 10 != 0) {
                    return NOT_EXACT; // a fraction of a nanosecond
                }
                nanos /= 10;
                scale++;
            } else {
                if (nanos >= MAX_NANOS) {
                    return NOT_EXACT;
                }
                nanos *= 10;
                scale--;
            }
        }
        if (nanos >= MAX_NANOS) {
            return NOT_EXACT;
        }
        return negative ? -nanos : nanos;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
