package io.bridgewatch.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads a service's properties file strictly against its {@link ConfigDef}: every key must be defined (or start
 * with one of the pass-through prefixes, e.g. {@code kafka.} for client settings), every value must parse as its
 * type and pass its validator, and each error names the file, the line and the key. Environment variables override
 * the file: {@code BRIDGEWATCH_} followed by the key in upper case with dots and dashes as underscores
 * ({@code http.port} is {@code BRIDGEWATCH_HTTP_PORT}), for containers.
 *
 * <p>The format is {@code key = value} per line, {@code #} or {@code !} comments and blank lines; line continuations
 * and duplicate keys are refused rather than guessed at.
 */
public final class ConfigFile {
    public static final String ENV_PREFIX = "BRIDGEWATCH_";

    /** Accepts a value this system can use as a file path (or none); a NUL or the like is a config error. */
    public static final ConfigDef.Validator FILE_PATH = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            try {
                Path.of(value.toString());
            } catch (InvalidPathException e) {
                throw new ConfigException(name, value, "not a file path (" + e.getReason() + ")");
            }
        }

        @Override
        public String toString() {
            return "a file path";
        }
    };

    /** The parsed values (every defined key, defaults filled in) and the pass-through settings by prefix. */
    public record Loaded(Map<String, Object> values, Map<String, Map<String, String>> passThrough) {
        public Object get(String key) {
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("no config key " + key);
            }
            return values.get(key);
        }

        /** The settings under a pass-through prefix, with the prefix removed. */
        public Map<String, String> under(String prefix) {
            return passThrough.getOrDefault(prefix, Map.of());
        }
    }

    private ConfigFile() {
    }

    /** Loads the file (null: none, defaults and environment only) with this environment's overrides. */
    public static Loaded load(Path file, ConfigDef definition, List<String> passThroughPrefixes,
            Map<String, String> environment) {
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        Map<String, Map<String, String>> passThrough = new TreeMap<>();
        if (file != null) {
            readFile(file, definition, passThroughPrefixes, raw, origin, passThrough);
        }
        for (String key : definition.names()) {
            String variable = environmentName(key);
            String value = environment.get(variable);
            if (value != null) {
                raw.put(key, value.trim());
                origin.put(key, "environment " + variable);
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigDef.ConfigKey> entry : definition.configKeys().entrySet()) {
            String key = entry.getKey();
            ConfigDef.ConfigKey def = entry.getValue();
            String where = origin.getOrDefault(key, file == null ? "configuration" : file.toString());
            if (!raw.containsKey(key)) {
                if (!def.hasDefault()) {
                    throw new ConfigFileException(where + ": missing required key '" + key + "' ("
                            + def.documentation + ")");
                }
                values.put(key, def.defaultValue);
                continue;
            }
            try {
                Object value = ConfigDef.parseType(key, raw.get(key), def.type);
                if (def.validator != null) {
                    def.validator.ensureValid(key, value);
                }
                values.put(key, value);
            } catch (ConfigException e) {
                throw new ConfigFileException(where + ": key '" + key + "': invalid value '" + raw.get(key) + "': "
                        + reason(e, def));
            }
        }
        return new Loaded(values, passThrough);
    }

    /** The environment variable that overrides a key. */
    public static String environmentName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void readFile(Path file, ConfigDef definition, List<String> prefixes, Map<String, String> raw,
            Map<String, String> origin, Map<String, Map<String, String>> passThrough) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigFileException("cannot read config file " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String at = file + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int separator = firstSeparator(line);
            if (separator <= 0) {
                throw new ConfigFileException(at + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, separator).strip();
            String value = line.substring(separator + 1).strip();
            if (value.endsWith("\\")) {
                throw new ConfigFileException(at + ": key '" + key + "': line continuations are not supported");
            }
            if (raw.containsKey(key) || origin.containsKey(key)) {
                throw new ConfigFileException(at + ": key '" + key + "' is set twice (first at "
                        + origin.get(key) + ")");
            }
            String prefix = prefixes.stream().filter(key::startsWith).findFirst().orElse(null);
            if (definition.configKeys().containsKey(key)) {
                raw.put(key, value);
            } else if (prefix != null && key.length() > prefix.length()) {
                passThrough.computeIfAbsent(prefix, p -> new TreeMap<>()).put(key.substring(prefix.length()), value);
            } else {
                throw new ConfigFileException(at + ": unknown key '" + key + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(definition.names()))
                        + (prefixes.isEmpty() ? "" : "; and keys under " + String.join(", ", prefixes)) + ")");
            }
            origin.put(key, at);
        }
    }

    private static int firstSeparator(String line) {
        int equals = line.indexOf('=');
        int colon = line.indexOf(':');
        if (equals < 0) {
            return colon;
        }
        return colon < 0 ? equals : Math.min(equals, colon);
    }

    /** Kafka says "Invalid value V for configuration K: reason"; the file, line, key and value are said already. */
    private static String reason(ConfigException e, ConfigDef.ConfigKey def) {
        String message = e.getMessage();
        int colon = message.lastIndexOf(": ");
        return (colon > 0 ? message.substring(colon + 2) : message) + " ("
                + def.type.name().toLowerCase(Locale.ROOT) + ")";
    }
}
