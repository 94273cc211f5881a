package io.bridgewatch.collector.serving;

import io.bridgewatch.schema.EventSink;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Scrapes the serving engine every interval on a thread of its own and hands each delta to the sink. */
public final class ServingScrapeLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServingScrapeLoop.class);
    private final ScheduledExecutorService scheduler;

    public ServingScrapeLoop(String nodeId, URI endpoint, Duration interval, EventSink sink) {
        ServingScraper scraper = new ServingScraper(nodeId, endpoint);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "serving-scraper");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                scraper.scrape().ifPresent(sink::serving);
            } catch (IOException | IllegalArgumentException e) {
                // The engine is down or restarting: keep the last baseline and try again.
                LOG.warn("scraping {}: {}", endpoint, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }
}
