package io.bridgewatch.launcher.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.launcher.DurationConverter;
import io.bridgewatch.streams.query.BearerToken;
import io.bridgewatch.streams.query.HttpAccess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bridgewatch query "SQL"}: asks a running streams instance (the demo's by default) a SQL question. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Runs a SQL query on a running streams instance (by default the demo's, at"
                + " http://localhost:7070) and prints the answer. Any instance answers for all partitions.",
                "Pull queries answer once; a query ending in EMIT CHANGES streams new rows as windows close"
                        + " until Ctrl-C. --tables lists the tables and their columns.",
                "Examples:",
                "  bridgewatch query \"SELECT node_id, MAX(toll_s) AS toll_s FROM cost WHERE direction = 'H2D'"
                        + " GROUP BY node_id ORDER BY toll_s DESC LIMIT 10\"",
                "  bridgewatch query \"SELECT * FROM alerts EMIT CHANGES\""},
        footer = {"Exit codes: 0 answered; 1 the query was refused (the reason is printed); 3 no instance could be"
                + " reached."})
public final class QueryCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Parameters(arity = "0..1", paramLabel = "SQL", description = "The query (quote it for the shell).")
    String sql;

    @Option(names = "--url", defaultValue = "http://localhost:7070",
            description = "A streams instance's query API (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--tables", description = "List the tables and their columns instead of querying.")
    boolean tables;

    @Option(names = "--connect-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long to wait to reach the instance (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file whose first line is the instance's"
            + " bearer token (http.token.file there).")
    Path tokenFile;

    @Option(names = "--truststore", paramLabel = "FILE", description = "PKCS12 truststore to check an https"
            + " instance's certificate against (default: the JVM's).")
    Path truststore;

    @Option(names = "--truststore-password", description = "Its password (default: empty).", defaultValue = "")
    String truststorePassword;

    @Override
    public Integer call() throws Exception {
        AnswerFormat answerFormat;
        try {
            answerFormat = AnswerFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("bridgewatch query: --format must be table, csv or json, not '" + format + "'");
            return 2;
        }
        if (!tables && (sql == null || sql.isBlank())) {
            System.err.println("bridgewatch query: give a SQL query, or --tables to see what can be asked");
            return 2;
        }
        HttpAccess access;
        try {
            access = new HttpAccess(Optional.empty(), Optional.ofNullable(truststore).map(
                    file -> new HttpAccess.Store(file, truststorePassword)), Optional.ofNullable(tokenFile).map(
                            BearerToken::fromFile));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            System.err.println("bridgewatch query: " + e.getMessage());
            return 2;
        }
        HttpClient http = access.client(connectTimeout);
        HttpRequest request = tables
                ? access.authorize(HttpRequest.newBuilder(url.resolve("/v1/tables"))).GET().build()
                : access.authorize(HttpRequest.newBuilder(url.resolve("/v1/query")))
                        .header("Content-Type", "text/plain; charset=utf-8")
                        .header("Accept", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(sql)).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            System.err.println("bridgewatch query: cannot reach a streams instance at " + url + " (is"
                    + " './bridgewatch demo' or 'bridgewatch streams' running? --url names another)");
            return 3;
        } catch (IOException e) {
            System.err.println("bridgewatch query: " + url + " did not answer: " + e);
            return 3;
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                JsonNode error = MAPPER.readTree(body);
                System.err.println("bridgewatch query: " + response.statusCode() + " "
                        + error.path("error").asText(error.toString()));
                return response.statusCode() >= 500 ? 3 : 1;
            }
            if (tables) {
                printTables(MAPPER.readTree(body), answerFormat, System.out);
                return 0;
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.contains("ndjson")) {
                return stream(body, answerFormat, System.out);
            }
            printAnswer(MAPPER.readTree(body), answerFormat, System.out);
            return 0;
        }
    }

    /** A pull answer, and where it came from (on stderr unless printed as a table). */
    static void printAnswer(JsonNode answer, AnswerFormat format, PrintStream out) {
        if (format == AnswerFormat.JSON) {
            out.println(answer.toPrettyString());
            return;
        }
        format.printAll(answer.path("columns"), answer.path("rows"), out);
        PrintStream notes = format == AnswerFormat.TABLE ? out : System.err;
        notes.println("(" + answer.path("row_count").asLong() + " rows in " + answer.path("elapsed_ms").asLong()
                + " ms; " + answer.path("scanned_records").asLong() + " records read; " + sources(answer) + ")");
        answer.path("warnings").forEach(w -> notes.println("warning: " + w.asText()));
    }

    /** Which instances served which tables, in which role, how far behind. */
    private static String sources(JsonNode answer) {
        TreeMap<String, String> served = new TreeMap<>();
        for (JsonNode f : answer.path("freshness")) {
            String by = f.path("served_by").asText() + " " + f.path("role").asText().toLowerCase(java.util.Locale.ROOT)
                    + (f.path("offset_lag").asLong() > 0 ? " lag " + f.path("offset_lag").asLong() : "");
            served.merge(f.path("table").asText(), by, (a, b) -> a.contains(b) ? a : a + ", " + b);
        }
        if (served.isEmpty()) {
            return "no table read";
        }
        StringBuilder text = new StringBuilder("from ");
        served.forEach((table, by) -> text.append(text.length() > 5 ? "; " : "").append(table).append(": ")
                .append(by));
        return text.toString();
    }

    private static int stream(InputStream body, AnswerFormat format, PrintStream out) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isBlank()) {
                continue; // keep-alive
            }
            JsonNode message = MAPPER.readTree(line);
            if (format == AnswerFormat.JSON) {
                out.println(line);
                out.flush();
            } else if (message.has("columns")) {
                System.err.println("(following " + message.path("table").asText() + " since "
                        + message.path("since").asText() + "; Ctrl-C to stop)");
                format.printHeader(message.get("columns"), out);
            } else if (message.has("row")) {
                format.printRow(message.get("row"), out);
            }
            if (message.has("end")) {
                System.err.println("(ended: " + message.get("end").asText() + ")");
                return 0;
            }
        }
        return 0;
    }

    private static void printTables(JsonNode answer, AnswerFormat format, PrintStream out) {
        if (format == AnswerFormat.JSON) {
            out.println(answer.toPrettyString());
            return;
        }
        for (JsonNode table : answer.path("tables")) {
            out.println(table.path("name").asText() + " -- " + table.path("description").asText());
            out.println("  from " + table.path("source").asText() + "; key " + table.path("key").asText("-")
                    + ", time " + table.path("time").asText("-") + (table.path("push").asBoolean()
                            ? "; push queries: yes" : ""));
            for (JsonNode column : table.path("columns")) {
                out.println("    " + column.path("name").asText() + "  " + column.path("type").asText());
            }
            out.println();
        }
    }
}
