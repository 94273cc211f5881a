package io.bridgewatch.streams.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import io.bridgewatch.streams.sql.SqlHttpHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API of a streams instance (the JDK's HTTP server):
 * <ul>
 *   <li>{@code GET /v1/nodes/{node}/windows?from=&to=}: a node's closed windows of every kind;</li>
 *   <li>{@code GET /v1/cohorts/{cohort}/windows?from=&to=}: a cohort's closed comparison windows;</li>
 *   <li>{@code GET /v1/instances}: the instances of the application and the partitions each holds;</li>
 *   <li>{@code POST /v1/query}, {@code GET /v1/tables}: SQL (see {@link SqlHttpHandler});</li>
 *   <li>{@code GET /v1/internal/rows/{source}/{partition}?from=&to=&key=}: one partition's rows of a result view
 *       or of the node facts, for another instance's SQL (Avro single-object encoded);</li>
 *   <li>{@code GET /health}: 200 while the instance runs, 503 otherwise.</li>
 * </ul>
 * Times are ISO-8601 instants or epoch milliseconds and select windows by their start; both are optional. Errors
 * are JSON {@code {"status", "error"}} with a 4xx for the asker's mistakes. Read-only by construction: nothing
 * here changes state (SQL is queries only). Over HTTPS and behind a bearer token as {@link HttpAccess} says;
 * {@code /health} stays open for load balancers.
 */
public final class QueryHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryHttpServer.class);
    private static final int MAX_THREADS = 2048;

    private final HttpServer server;
    private final HttpAccess access;
    private final ExecutorService executor;
    private QueryService queries;
    private Supplier<ObjectNode> instances;

    /**
     * Binds the address at once (the port must be known before Kafka Streams starts: it is the instance's
     * {@code application.server}); requests are served once {@link #serve} is called.
     *
     * @throws UncheckedIOException when the address cannot be bound, saying which
     */
    public QueryHttpServer(InetSocketAddress address, HttpAccess access) {
        this.access = access;
        try {
            this.server = access.createServer(address, 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for queries on " + address.getHostString() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        // Push queries hold a thread each for as long as their client stays, so threads are not pooled tightly.
        this.executor = new ThreadPoolExecutor(8, MAX_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "query-http");
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
    }

    /** Starts answering: queries through the services, the instance list and health from the suppliers. */
    public void serve(QueryService queryService, SqlHttpHandler sql, Supplier<ObjectNode> instanceList,
            Supplier<Boolean> healthy) {
        this.queries = queryService;
        this.instances = instanceList;
        server.createContext("/v1/", this::api).getFilters().add(access.authentication());
        server.createContext("/v1/query", sql::query).getFilters().add(access.authentication());
        server.createContext("/v1/tables", sql::tables).getFilters().add(access.authentication());
        server.createContext("/health", exchange -> {
            boolean up = healthy.get();
            AnswerJson.respond(exchange, up ? 200 : 503, AnswerJson.error(up ? 200 : 503,
                    up ? "running" : "not running"));
        });
        server.start();
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void api(HttpExchange exchange) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals("GET")) {
                throw new QueryException(405, "only GET is served here (read-only)");
            }
            String[] segments = exchange.getRequestURI().getRawPath().split("/");
            // "", "v1", kind, key, "windows"
            if (segments.length == 3 && segments[2].equals("instances")) {
                AnswerJson.respond(exchange, 200, instances.get());
                return;
            }
            if (segments.length == 6 && segments[2].equals("internal") && segments[3].equals("rows")) {
                AnswerJson.respond(exchange, 200, rows(exchange, segments[4], segments[5]));
                return;
            }
            if (segments.length != 5 || !segments[4].equals("windows")) {
                throw QueryException.notFound("no such resource: " + exchange.getRequestURI().getPath()
                        + " (try /v1/nodes/{node}/windows or /v1/cohorts/{cohort}/windows)");
            }
            ResultView.Scope scope = switch (segments[2]) {
                case "nodes" -> ResultView.Scope.NODE;
                case "cohorts" -> ResultView.Scope.COHORT;
                default -> throw QueryException.notFound("no such resource: /v1/" + segments[2]);
            };
            String key = URLDecoder.decode(segments[3], StandardCharsets.UTF_8);
            Map<String, String> params = parameters(exchange.getRequestURI().getRawQuery());
            long from = time(params, "from", 0);
            long to = time(params, "to", Long.MAX_VALUE);
            if (from > to) {
                throw QueryException.badRequest("from (" + params.get("from") + ") is after to (" + params.get("to")
                        + ")");
            }
            boolean forwarded = exchange.getRequestHeaders().containsKey(QueryService.FORWARDED_HEADER);
            AnswerJson.respond(exchange, 200, queries.windows(scope, key, from, to, forwarded));
        } catch (QueryException e) {
            AnswerJson.respond(exchange, e.status(), AnswerJson.error(e.status(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("query {} failed", exchange.getRequestURI(), e);
            AnswerJson.respond(exchange, 500, AnswerJson.error(500, "internal error: " + e));
        }
    }

    private ObjectNode rows(HttpExchange exchange, String sourceLabel, String partitionText) {
        RowSource source = RowSource.ofLabel(sourceLabel).orElseThrow(() -> QueryException.notFound(
                "no row source '" + sourceLabel + "'"));
        int partition;
        try {
            partition = Integer.parseInt(partitionText);
        } catch (NumberFormatException e) {
            throw QueryException.badRequest("malformed partition '" + partitionText + "'");
        }
        Map<String, List<String>> params = multiParameters(exchange.getRequestURI().getRawQuery(),
                Set.of("from", "to", "key"));
        Map<String, String> times = new HashMap<>();
        List.of("from", "to").forEach(name -> {
            if (params.containsKey(name)) {
                times.put(name, params.get(name).get(0));
            }
        });
        long from = time(times, "from", 0);
        long to = time(times, "to", Long.MAX_VALUE);
        Optional<Set<String>> keys = params.containsKey("key") ? Optional.of(new LinkedHashSet<>(params.get("key")))
                : Optional.empty();
        boolean forwarded = exchange.getRequestHeaders().containsKey(QueryService.FORWARDED_HEADER);
        return RowsJson.of(queries.rows(source, partition, keys, from, to, forwarded));
    }

    private static Map<String, List<String>> multiParameters(String rawQuery, Set<String> known) {
        Map<String, List<String>> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!known.contains(name)) {
                throw QueryException.badRequest("unknown parameter '" + name + "' (known: " + known + ")");
            }
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        multiParameters(rawQuery, Set.of("from", "to")).forEach((name, values) -> params.put(name, values.get(0)));
        return params;
    }

    /** An ISO-8601 instant or epoch milliseconds. */
    static long time(Map<String, String> params, String name, long absent) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            return absent;
        }
        if (value.chars().allMatch(Character::isDigit) && value.length() <= 18) {
            return Long.parseLong(value);
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw QueryException.badRequest("malformed time " + name + "=" + value
                    + ": expected an ISO-8601 instant (2026-12-01T10:00:00Z) or epoch milliseconds");
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
