package io.bridgewatch.launcher.agent;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.agent.AgentSocketServer;
import io.bridgewatch.collector.serving.ServingScraper;
import io.bridgewatch.launcher.DurationConverter;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bridgewatch agent listen}: the collector on a CVM, fed by the native agent and the serving engine. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "The collector's side of the native agent (collector/native).",
        subcommands = {AgentCommand.Listen.class})
public final class AgentCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code bridgewatch agent listen}. */
    @Command(name = "listen", mixinStandardHelpOptions = true,
            description = "Listens on a Unix socket for the native agent's record streams (LD_PRELOAD="
                    + "libbridgewatch_agent.so with BRIDGEWATCH_AGENT_SOCKET set to the same path), and scrapes the"
                    + " serving engine's metrics, producing the node's events to Kafka until stopped (Ctrl-C). A"
                    + " record file the agent wrote while no collector ran is replayed with 'bridgewatch import'.")
    static final class Listen implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(Listen.class);

        @Option(names = "--socket", defaultValue = "/run/bridgewatch/agent.sock",
                description = "Unix socket to listen on (default: ${DEFAULT-VALUE}).")
        Path socket;

        @Option(names = "--node", required = true, paramLabel = "ID", description = "This node's id.")
        String node;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label of the node (repeatable);"
                + " engine, engine_version, model, max_concurrency fill the cohort fields; cc_mode overrides NVML's.")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = "--bootstrap-servers", required = true,
                description = "The Kafka cluster the fleet pipeline reads.")
        String bootstrapServers;

        @Option(names = "--serving-url", description = "The serving engine's Prometheus endpoint, e.g."
                + " http://localhost:8000/metrics (vLLM) or http://localhost:30000/metrics (SGLang).")
        URI servingUrl;

        @Option(names = "--serving-interval", defaultValue = "5s", converter = DurationConverter.class,
                description = "How often to scrape it (default: ${DEFAULT-VALUE}).")
        Duration servingInterval;

        @Override
        public Integer call() throws Exception {
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "agent-listen-stop"));
            try (Collector collector = new Collector(node, CollectorConfig.defaults(bootstrapServers,
                    "bridgewatch-agent-" + node), OpenTelemetry.noop().getMeter("bridgewatch-collector"));
                    AgentSocketServer server = listen(collector)) {
                if (server == null) {
                    return 2;
                }
                System.out.println("Listening for the agent on " + server.socket() + "; producing node " + node
                        + " to " + bootstrapServers);
                if (servingUrl != null) {
                    Thread scraper = new Thread(() -> scrapeUntil(stop, collector), "serving-scraper");
                    scraper.setDaemon(true);
                    scraper.start();
                    System.out.println("Scraping " + servingUrl + " every " + servingInterval.toSeconds() + " s");
                }
                stop.await();
                return 0;
            }
        }

        /** The socket server, or null (having said why) when the socket cannot be bound. */
        private AgentSocketServer listen(Collector collector) {
            try {
                return new AgentSocketServer(socket, node, labels, collector);
            } catch (UncheckedIOException e) {
                System.err.println("bridgewatch agent listen: " + e.getMessage());
                return null;
            }
        }

        private void scrapeUntil(CountDownLatch stop, Collector collector) {
            ServingScraper scraper = new ServingScraper(node, servingUrl);
            try {
                do {
                    try {
                        scraper.scrape().ifPresent(collector::serving);
                    } catch (IOException | IllegalArgumentException e) {
                        // The engine is down or restarting: keep the last baseline and try again.
                        LOG.warn("scraping {}: {}", servingUrl, e.getMessage());
                    }
                } while (!stop.await(servingInterval.toMillis(), TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
