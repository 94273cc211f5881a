package io.bridgewatch.launcher.agent;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.agent.AgentPeers;
import io.bridgewatch.collector.redact.Redaction;
import io.bridgewatch.collector.service.CollectorService;
import io.bridgewatch.collector.service.CollectorServiceConfig;
import io.bridgewatch.config.StartupException;
import io.bridgewatch.launcher.DurationConverter;
import io.bridgewatch.launcher.service.MetricsEndpoint;
import io.bridgewatch.launcher.service.ServiceMain;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

        @Option(names = "--metrics-port", defaultValue = "9465",
                description = "Serve the collector's own metrics for Prometheus on this port (0: off; default:"
                        + " ${DEFAULT-VALUE}).")
        int metricsPort;

        @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Address of that endpoint.")
        String metricsHost;

        @Option(names = "--allow-user", description = "A user whose processes may stream to the socket, besides"
                + " this one's (repeatable).")
        Set<String> allowedUsers = Set.of();

        @Option(names = "--allow-group", description = "A group whose processes may stream to the socket"
                + " (repeatable).")
        Set<String> allowedGroups = Set.of();

        /** The same node service as {@code bridgewatch collector}, configured from these options. */
        @Override
        public Integer call() throws Exception {
            CollectorServiceConfig settings = new CollectorServiceConfig(node, labels,
                    CollectorConfig.defaults(bootstrapServers, "bridgewatch-agent-" + node), socket,
                    AgentPeers.ownUserAnd(allowedUsers, allowedGroups), servingUrl,
                    servingInterval, metricsHost, metricsPort, Optional.empty(), Optional.empty(),
                    Redaction.NONE);
            MetricsEndpoint metrics;
            try {
                metrics = MetricsEndpoint.serve(metricsHost, metricsPort);
            } catch (StartupException e) {
                return ServiceMain.startFailure("agent listen", e);
            }
            try (metrics) {
                CollectorService service = new CollectorService(settings, metrics.meter("bridgewatch-collector"));
                try {
                    service.start();
                } catch (StartupException e) {
                    System.err.println("bridgewatch agent listen: " + e.getMessage());
                    return 2;
                }
                System.out.println("Listening for the agent on " + service.socket().socket() + "; producing node "
                        + node + " to " + bootstrapServers);
                if (servingUrl != null) {
                    System.out.println("Scraping " + servingUrl + " every " + servingInterval.toSeconds() + " s");
                }
                CountDownLatch stop = new CountDownLatch(1);
                return ServiceMain.runUntilStopped("agent-listen", () -> {
                    stop.await();
                    service.close();
                    return 0;
                }, stop::countDown);
            }
        }
    }
}
