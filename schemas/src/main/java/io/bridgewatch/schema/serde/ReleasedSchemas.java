package io.bridgewatch.schema.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * The frozen copies of every released schema version (resources under {@code io/bridgewatch/schema/released/}).
 * Decoders accept data written with any of them; the compatibility test checks each current schema against them.
 */
public final class ReleasedSchemas {
    static final String ROOT = "/io/bridgewatch/schema/released/";
    private static final Map<String, List<Schema>> BY_FULL_NAME = load();

    private ReleasedSchemas() {
    }

    /** Every released writer schema of the record with this full name, oldest release first. */
    public static List<Schema> writerSchemasOf(String fullName) {
        return BY_FULL_NAME.getOrDefault(fullName, List.of());
    }

    /** Every released schema, keyed by record full name. */
    public static Map<String, List<Schema>> all() {
        return BY_FULL_NAME;
    }

    private static Map<String, List<Schema>> load() {
        List<Schema> schemas = new ArrayList<>();
        for (String path : readLines(ROOT + "index.txt")) {
            try (InputStream in = open(ROOT + path)) {
                // Each released file is self-contained, so every file gets a fresh parser.
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + path, e);
            }
        }
        return schemas.stream().collect(Collectors.groupingBy(Schema::getFullName, Collectors.toUnmodifiableList()));
    }

    private static List<String> readLines(String resource) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(resource), StandardCharsets.UTF_8))) {
            return reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = ReleasedSchemas.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing resource " + resource + " (is the schemas jar complete?)");
        }
        return in;
    }
}
