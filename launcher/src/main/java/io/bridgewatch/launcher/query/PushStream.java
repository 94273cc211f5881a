package io.bridgewatch.launcher.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A push query followed from a streams instance ({@code POST /v1/query}, newline-delimited JSON): each row goes to
 * a callback, on a thread of its own, until {@link #close} ends the exchange (the server notices at its next write).
 */
public final class PushStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final InputStream body;
    private final JsonNode header;

    private PushStream(InputStream body, JsonNode header) {
        this.body = body;
        this.header = header;
    }

    /**
     * Starts the query; returns once the instance has subscribed it (its header line arrived).
     *
     * @throws IllegalStateException when the instance refuses the query, with its reason
     */
    public static PushStream open(HttpClient http, String baseUrl, String sql, Consumer<JsonNode> onRow)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/query"))
                .header("Accept", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(sql)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            try (InputStream error = response.body()) {
                throw new IllegalStateException("push query refused (" + response.statusCode() + "): "
                        + new String(error.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        if (first == null) {
            throw new IOException("the push query ended before its header");
        }
        PushStream stream = new PushStream(response.body(), JSON.readTree(first));
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!line.isBlank()) {
                        JsonNode message = JSON.readTree(line);
                        if (message.has("row")) {
                            onRow.accept(message.get("row"));
                        }
                    }
                }
            } catch (IOException closed) {
                // the stream was closed
            }
        }, "push-stream");
        reader.setDaemon(true);
        reader.start();
        return stream;
    }

    /** The first line: the columns, the table followed, since when. */
    public JsonNode header() {
        return header;
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
