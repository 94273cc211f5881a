package io.bridgewatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real Debian Prometheus and Alertmanager on loopback, for end-to-end tests: Prometheus scrapes a Bridgewatch
 * metrics endpoint every second and evaluates the project's rules, with their time spans shortened (a 7-day
 * baseline becomes 10 minutes, `for` becomes 3 s, evaluation every second); Alertmanager delivers to a webhook
 * receiver inside the test.
 */
final class MonitoringStack implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final HttpServer webhook;
    private final List<JsonNode> deliveries = new CopyOnWriteArrayList<>();
    private final Process alertmanager;
    private final Process prometheus;
    private final int prometheusPort;
    private final HttpClient http = HttpClient.newHttpClient();

    MonitoringStack(Path rules, int metricsPort) throws IOException {
        dir = Files.createTempDirectory("bridgewatch-monitoring-");
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alerts", exchange -> {
            deliveries.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        int alertmanagerPort = freePort();
        Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: test
                  group_by: [alertname, node]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: test
                    webhook_configs:
                      - url: http://127.0.0.1:%d/alerts
                """.formatted(webhook.getAddress().getPort()));
        alertmanager = start(dir.resolve("alertmanager.log"), "prometheus-alertmanager",
                "--config.file=" + dir.resolve("alertmanager.yml"), "--storage.path=" + dir.resolve("am"),
                "--web.listen-address=127.0.0.1:" + alertmanagerPort, "--cluster.listen-address=");
        Files.writeString(dir.resolve("rules.yml"), Files.readString(rules)
                .replace("[7d]", "[10m]").replaceAll("for: \\d+m", "for: 3s").replace("interval: 1m", "interval: 1s"));
        prometheusPort = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [%s]
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["127.0.0.1:%d"]
                scrape_configs:
                  - job_name: bridgewatch
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(dir.resolve("rules.yml"), alertmanagerPort, metricsPort));
        prometheus = start(dir.resolve("prometheus.log"), "prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort);
    }

    static boolean installed() {
        return Executables.onPath("prometheus") && Executables.onPath("prometheus-alertmanager");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Alerts Alertmanager delivered to the webhook, as its JSON payloads. */
    List<JsonNode> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The result of an instant query through Prometheus' HTTP API ({@code data.result}). */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** The series a range query over the last {@code seconds} returns (series that ended, e.g. with the run, too). */
    JsonNode queryRange(String promql, long seconds) throws IOException, InterruptedException {
        long now = System.currentTimeMillis() / 1000;
        return get("/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + (now - seconds) + "&end=" + now + "&step=1");
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + prometheusPort + pathAndQuery);
        JsonNode body = JSON.readTree(http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalStateException(pathAndQuery + " failed: " + body);
        }
        return body.path("data").path("result");
    }

    /** Alerts Prometheus has pending or firing now. */
    JsonNode alerts() throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/alerts");
        return JSON.readTree(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .body()).path("data").path("alerts");
    }

    String logs() throws IOException {
        return Files.readString(dir.resolve("prometheus.log")) + Files.readString(dir.resolve("alertmanager.log"));
    }

    private static Process start(Path log, String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }


    @Override
    public void close() throws InterruptedException {
        for (Process process : List.of(prometheus, alertmanager)) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        webhook.stop(0);
    }
}
