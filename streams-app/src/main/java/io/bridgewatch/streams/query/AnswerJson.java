package io.bridgewatch.streams.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import org.apache.avro.generic.IndexedRecord;

/** The JSON form of answers and errors of the query API. */
public final class AnswerJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AnswerJson() {
    }

    public static ObjectNode of(WindowsAnswer answer) {
        ObjectNode node = JSON.objectNode();
        node.put(answer.scope().name().toLowerCase(Locale.ROOT), answer.key());
        node.put("from", Instant.ofEpochMilli(answer.fromMs()).toString());
        node.put("to", answer.toMs() == Long.MAX_VALUE ? null : Instant.ofEpochMilli(answer.toMs()).toString());
        ObjectNode windows = node.putObject("windows");
        answer.rows().forEach((view, rows) -> {
            ArrayNode array = windows.putArray(view);
            rows.forEach(row -> array.add(AvroJson.of((IndexedRecord) row)));
        });
        node.set("freshness", freshness(answer.freshness(), null));
        return node;
    }

    /** Which instance answered for a partition, in which role, how far behind; why a standby, if one did. */
    public static ObjectNode freshness(WindowsAnswer.Freshness freshness, String fallbackReason) {
        ObjectNode fresh = JSON.objectNode();
        fresh.put("partition", freshness.partition());
        fresh.put("instance", freshness.instance());
        fresh.put("role", freshness.role().name());
        fresh.put("offset_lag", freshness.offsetLag());
        if (fallbackReason != null) {
            fresh.put("fallback_reason", fallbackReason);
        }
        return fresh;
    }

    /** Sends a JSON answer with its status and closes the exchange. */
    public static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static ObjectNode error(int status, String message) {
        ObjectNode node = JSON.objectNode();
        node.put("status", status);
        node.put("error", message);
        return node;
    }
}
