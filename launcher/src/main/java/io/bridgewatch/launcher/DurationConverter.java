package io.bridgewatch.launcher;

import io.bridgewatch.simulator.Units;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Parses {@code 60s}, {@code 5m}, {@code 500ms} and ISO-8601 durations for command-line options. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        if (value.startsWith("P") || value.startsWith("p")) {
            return Duration.parse(value);
        }
        return Duration.ofNanos(Units.durationNanos(value));
    }
}
