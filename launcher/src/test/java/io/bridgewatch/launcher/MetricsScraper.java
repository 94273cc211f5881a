package io.bridgewatch.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Scrapes a Prometheus endpoint every second, as Prometheus would, and keeps the name of every series seen. */
final class MetricsScraper implements AutoCloseable {
    private final Set<String> names = new ConcurrentSkipListSet<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http = HttpClient.newHttpClient();
    private final HttpRequest request;

    MetricsScraper(String url) {
        this.request = HttpRequest.newBuilder(URI.create(url)).build();
        scheduler.scheduleWithFixedDelay(this::scrape, 1, 1, TimeUnit.SECONDS);
    }

    private void scrape() {
        try {
            http.send(request, HttpResponse.BodyHandlers.ofString()).body().lines()
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.split("[{ ]", 2)[0])
                    .forEach(names::add);
        } catch (Exception e) {
            // The endpoint is not up yet, or is going away: the next scrape tries again.
        }
    }

    Set<String> metricNames() {
        scrape();
        return new TreeSet<>(names);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
