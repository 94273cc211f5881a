package io.bridgewatch.streams.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.bridgewatch.streams.query.AnswerJson;
import io.bridgewatch.streams.query.QueryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/query} and {@code GET /v1/tables}. The body is the SQL text, or JSON {@code {"sql": "..."}}.
 * A pull query is answered as one JSON document; a push query ({@code EMIT CHANGES}) streams newline-delimited
 * JSON, or server-sent events when the client accepts {@code text/event-stream}, until the client disconnects.
 */
public final class SqlHttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SqlHttpHandler.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 1 << 20;
    /** An idle stream gets a keep-alive this often, which is also how a gone client is noticed. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private final SqlEngine engine;
    private final PushQueries push;

    public SqlHttpHandler(SqlEngine engine, PushQueries push) {
        this.engine = engine;
        this.push = push;
    }

    public void query(HttpExchange exchange) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals("POST")) {
                throw new QueryException(405, "POST the SQL to /v1/query (text, or JSON {\"sql\": ...})");
            }
            SqlStatement statement = SqlStatement.parse(sql(exchange));
            if (statement.push()) {
                stream(exchange, push.subscribe(statement));
            } else {
                AnswerJson.respond(exchange, 200, SqlJson.answer(engine.pull(statement.text())));
            }
        } catch (QueryException e) {
            AnswerJson.respond(exchange, e.status(), AnswerJson.error(e.status(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("query failed", e);
            AnswerJson.respond(exchange, 500, AnswerJson.error(500, "internal error: " + e));
        }
    }

    public void tables(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            AnswerJson.respond(exchange, 405, AnswerJson.error(405, "only GET is served here"));
            return;
        }
        AnswerJson.respond(exchange, 200, SqlJson.tables());
    }

    private static String sql(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new QueryException(413, "the query text is over " + MAX_BODY_BYTES + " bytes");
        }
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))
                .toLowerCase(Locale.ROOT);
        if (!contentType.contains("json")) {
            return new String(body, StandardCharsets.UTF_8);
        }
        JsonNode request;
        try {
            request = MAPPER.readTree(body);
        } catch (IOException e) {
            throw QueryException.badRequest("the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (request == null || !request.path("sql").isTextual()) {
            throw QueryException.badRequest("JSON body needs a string field \"sql\"");
        }
        return request.get("sql").asText();
    }

    /** Streams a push query's rows until the client goes or the subscription ends. */
    private static void stream(HttpExchange exchange, PushSubscription subscription) throws IOException {
        boolean sse = String.valueOf(exchange.getRequestHeaders().getFirst("Accept")).contains("text/event-stream");
        exchange.getResponseHeaders().set("Content-Type", sse ? "text/event-stream" : "application/x-ndjson");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        try (subscription; OutputStream out = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(200, 0);
            ObjectNode header = MAPPER.createObjectNode();
            header.set("columns", SqlJson.columns(subscription.columns()));
            header.put("table", subscription.table().sqlName());
            header.put("since", Instant.now().toString());
            header.put("freshness", "rows as the result topic " + subscription.table().topic() + " receives them,"
                    + " from every partition");
            write(out, sse, "columns", header);
            while (true) {
                List<List<Object>> rows = subscription.poll(HEARTBEAT);
                for (List<Object> row : rows) {
                    ObjectNode line = MAPPER.createObjectNode();
                    line.set("row", SqlJson.row(row));
                    write(out, sse, null, line);
                }
                String end = subscription.endReason();
                if (end != null) {
                    write(out, sse, "end", MAPPER.createObjectNode().put("end", end));
                    return;
                }
                if (rows.isEmpty()) {
                    out.write((sse ? ": keep-alive\n\n" : "\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
        } catch (IOException gone) {
            LOG.debug("push client went away: {}", gone.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, boolean sse, String event, JsonNode data) throws IOException {
        String json = MAPPER.writeValueAsString(data);
        String text = sse ? (event == null ? "" : "event: " + event + "\n") + "data: " + json + "\n\n" : json + "\n";
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
