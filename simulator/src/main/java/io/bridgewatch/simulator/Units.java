package io.bridgewatch.simulator;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human units of scenario files: durations ({@code 330us}), sizes ({@code 2MiB}), rates ({@code 55GB/s}). */
public final class Units {
    private static final Pattern QUANTITY = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z/]*)\\s*");

    private Units() {
    }

    /** A duration in nanoseconds from e.g. {@code 14ms}, {@code 330us}, {@code 1.5s}, {@code 250ns}. */
    public static long durationNanos(String text) {
        Matcher m = match(text, "duration");
        double value = Double.parseDouble(m.group(1));
        double scale = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m", "min" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' is not a duration: use a number with ns, us, ms, s, min, h or d");
        };
        return Math.round(value * scale);
    }

    /** A size in bytes from e.g. {@code 64KiB}, {@code 2MiB}, {@code 1GiB}, {@code 4096}, {@code 1GB}. */
    public static long bytes(String text) {
        Matcher m = match(text, "size");
        double value = Double.parseDouble(m.group(1));
        double scale = switch (m.group(2)) {
            case "", "B" -> 1;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "KB", "kB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' is not a size: use a number with B, KiB, MiB, GiB, KB, MB or GB");
        };
        return Math.round(value * scale);
    }

    /** A rate in bytes per second from e.g. {@code 55GB/s}, {@code 4.9GiB/s}. */
    public static double bytesPerSecond(String text) {
        String trimmed = text.strip();
        if (!trimmed.endsWith("/s")) {
            throw new IllegalArgumentException("'" + text + "' is not a bandwidth: use a size per second, e.g. 55GB/s");
        }
        Matcher m = match(trimmed.substring(0, trimmed.length() - 2), "bandwidth");
        return bytes(m.group(0));
    }

    private static Matcher match(String text, String what) {
        Matcher m = QUANTITY.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a " + what);
        }
        return m;
    }
}
