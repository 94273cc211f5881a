package io.bridgewatch.launcher.fleet;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code bridgewatch streams --config FILE} process of its own, which a test can kill without a clean close. */
final class StreamsProcess implements AutoCloseable {
    final int httpPort;
    final Process process;
    final Path log;

    private StreamsProcess(int httpPort, Process process, Path log) {
        this.httpPort = httpPort;
        this.process = process;
        this.log = log;
    }

    /** Starts an instance with this config (plus its own state directory and query port). */
    static StreamsProcess start(String config) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path dir = Files.createTempDirectory("bw-streams-process-");
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, config + "\nstate.dir = " + dir.resolve("state") + "\nhttp.port = " + port
                + "\nmetrics.port = 0\n");
        Path log = dir.resolve("out.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx384m",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.bridgewatch", "-cp",
                System.getProperty("java.class.path"), "io.bridgewatch.launcher.BridgewatchCli", "streams",
                "--config", file.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new StreamsProcess(port, process, log);
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Whether its query API says it runs. */
    boolean healthy(HttpClient http) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill -9: no clean close, no commit, no leaving the group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    static String classpathSeparator() {
        return File.pathSeparator;
    }
}
