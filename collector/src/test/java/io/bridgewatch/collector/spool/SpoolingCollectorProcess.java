package io.bridgewatch.collector.spool;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A collector in a process of its own, for the kill -9 test: takes {@code count} events, says {@code SPOOLED} once
 * all are on disk, then waits to be killed. Arguments: bootstrap servers, spool folder, node, count.
 */
public final class SpoolingCollectorProcess {
    private SpoolingCollectorProcess() {
    }

    public static void main(String[] args) throws Exception {
        CollectorConfig config = new CollectorConfig(args[0], 100_000, Duration.ofSeconds(5), "spool-child")
                .withSpool(CollectorConfig.Spool.of(Path.of(args[1]), 64L << 20));
        Collector collector = new Collector(args[2], config, OpenTelemetry.noop().getMeter("child"));
        int count = Integer.parseInt(args[3]);
        for (int i = 0; i < count; i++) {
            collector.crossing(SpoolOutageIT.event(args[2], i));
        }
        while (collector.stats().unacknowledged() < count) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        System.out.println("SPOOLED " + collector.stats().unacknowledged());
        System.out.flush();
        TimeUnit.HOURS.sleep(1);
    }
}
