package io.bridgewatch.simulator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads scenario YAML strictly: unknown keys, wrong types and bad values fail with file, line and field. */
public final class ScenarioLoader {
    /** The scenario the demo runs when none is given. */
    public static final String DEFAULT_RESOURCE = "/scenarios/default.yaml";

    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ScenarioLoader() {
    }

    public static Scenario load(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.toString());
        } catch (IOException e) {
            throw new ScenarioException("cannot read scenario " + file + ": " + e.getMessage(), e);
        }
    }

    public static Scenario loadDefault() {
        try (InputStream in = ScenarioLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("default scenario missing from the collector jar");
            }
            return parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), "default.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Scenario parse(Reader reader, String fileName) {
        try {
            Scenario scenario = MAPPER.readValue(reader, Scenario.class);
            if (scenario == null) {
                throw new ScenarioException(fileName + ": the file is empty", null);
            }
            return scenario;
        } catch (JsonProcessingException e) {
            throw new ScenarioException(describe(fileName, e), e);
        } catch (IOException e) {
            throw new ScenarioException("cannot read scenario " + fileName + ": " + e.getMessage(), e);
        }
    }

    private static String describe(String fileName, JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        String position = where == null ? fileName : fileName + ":" + where.getLineNr() + ":" + where.getColumnNr();
        String field = e instanceof JsonMappingException mapping ? path(mapping) : "";
        return position + ": " + (field.isEmpty() ? "" : field + ": ") + reason(e);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
    }

    private static String reason(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown key '" + unknown.getPropertyName() + "' (known: " + unknown.getKnownPropertyIds() + ")";
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return e.getCause().getMessage();
        }
        String message = e.getOriginalMessage();
        int detail = message.indexOf(" at [Source");
        return detail > 0 ? message.substring(0, detail) : message;
    }
}
