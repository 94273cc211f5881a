package io.bridgewatch.collector.trace;

import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Kineto copy's name says: {@code Memcpy <kind> (<source> -> <destination>)}, e.g. {@code Memcpy HtoD (Pinned
 * -> Device)}. A trace has a handful of distinct names repeated for every copy, so each is matched once and
 * remembered (up to {@value #MAX_NAMES} names; a trace with more is matched copy by copy beyond them).
 */
final class CopyNames {
    private static final Pattern MEMCPY = Pattern.compile("Memcpy (\\w+) \\((.+) -> (.+)\\)");
    static final int MAX_NAMES = 1024;

    /** The direction and the host side's memory of a copy. */
    record Copy(Direction direction, HostMemoryKind hostMemory) {
    }

    private final Map<String, Optional<Copy>> known = new HashMap<>();

    /** The copy the name describes, or null for a name of another form. */
    Copy of(String name) {
        Optional<Copy> copy = known.get(name);
        if (copy == null) {
            copy = parse(name);
            if (known.size() < MAX_NAMES) {
                known.put(name, copy);
            }
        }
        return copy.orElse(null);
    }

    private static Optional<Copy> parse(String name) {
        Matcher m = MEMCPY.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        Direction direction = switch (m.group(1)) {
            case "HtoD" -> Direction.H2D;
            case "DtoH" -> Direction.D2H;
            case "DtoD" -> Direction.D2D;
            case "PtoP" -> Direction.P2P;
            default -> Direction.UNKNOWN;
        };
        String hostSide = direction == Direction.D2H ? m.group(3) : m.group(2);
        return Optional.of(new Copy(direction, hostMemory(hostSide)));
    }

    static HostMemoryKind hostMemory(String side) {
        return switch (side) {
            case "Pageable" -> HostMemoryKind.PAGEABLE;
            case "Pinned" -> HostMemoryKind.PINNED;
            case "Managed", "Managed Static" -> HostMemoryKind.MANAGED;
            case "Device", "Device Static", "Array" -> HostMemoryKind.DEVICE;
            default -> HostMemoryKind.UNKNOWN;
        };
    }
}
