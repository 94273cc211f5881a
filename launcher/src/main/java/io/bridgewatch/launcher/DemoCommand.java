package io.bridgewatch.launcher;

import io.bridgewatch.config.StartupException;
import io.bridgewatch.launcher.service.ServiceMain;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.Scenario;
import io.bridgewatch.simulator.ScenarioException;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.cohort.ReferenceBaseline;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code bridgewatch demo}: the whole pipeline on a simulated fleet, printing a per-node table. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a simulated fleet through collectors, Kafka and the streams-app, and prints the bridge "
                + "cost per node as read back from the result topics.", footer = ServiceMain.EXIT_CODES)
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long to run (simulated time), e.g. 60s, 5m. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--bootstrap-servers",
            description = "Kafka cluster to use; without it an embedded single-node broker is started.")
    String bootstrapServers;

    @Option(names = "--scenario", description = "Scenario YAML file; default: the built-in 12-node H200 fleet.")
    Path scenario;

    @Option(names = "--baseline", description = "Reference figures (YAML) for cohorts without cc_mode=OFF nodes;"
            + " see README.")
    Path baseline;

    @Option(names = "--virtual-time", description = "Simulate as fast as possible instead of in real time.")
    boolean virtualTime;

    @Option(names = "--refresh", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often to print the table. Default: ${DEFAULT-VALUE}.")
    Duration refresh;

    @Option(names = "--metrics-port", defaultValue = "9464",
            description = "Serve the results and the collectors' metrics for Prometheus on PORT (0: off; default: "
                    + "${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--otlp-endpoint",
            description = "Also push the metrics every 10 s over OTLP/HTTP to this URL, e.g. "
                    + "http://localhost:4318/v1/metrics (an OpenTelemetry Collector).")
    String otlpEndpoint;

    @Option(names = "--streams-instances", defaultValue = "1",
            description = "Streams-app instances sharing the work, each with a standby replica of the others' state"
                    + " when more than one (default: ${DEFAULT-VALUE}).")
    int streamsInstances;

    @Option(names = "--partitions", defaultValue = "6",
            description = "Partitions of the topics it creates: the most instances that can share the work"
                    + " (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--http-port", defaultValue = "7070",
            description = "Query API port of the first streams instance, the next ones counting up (0: any free"
                    + " ports; default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1",
            description = "Address the metrics endpoint binds to (0.0.0.0 to be scraped from other hosts or containers;"
                    + " default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Override
    public Integer call() throws Exception {
        Scenario fleet;
        try {
            fleet = scenario == null ? ScenarioLoader.loadDefault() : ScenarioLoader.load(scenario);
        } catch (ScenarioException e) {
            System.err.println("bridgewatch demo: " + e.getMessage());
            return 2;
        }
        TopologyConfig topology = TopologyConfig.DEFAULTS;
        if (baseline != null) {
            try {
                topology = topology.withBaseline(ReferenceBaseline.load(baseline));
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                System.err.println("bridgewatch demo: " + e.getMessage());
                return 2;
            }
        }
        SdkMeterProviderBuilder meters = SdkMeterProvider.builder();
        if (otlpEndpoint != null) {
            try {
                meters.registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                        .setEndpoint(otlpEndpoint).build()).setInterval(Duration.ofSeconds(10)).build());
            } catch (IllegalArgumentException e) {
                System.err.println("bridgewatch demo: --otlp-endpoint " + otlpEndpoint + ": " + e.getMessage());
                return 2;
            }
        }
        if (metricsPort > 0) {
            try {
                meters.registerMetricReader(PrometheusHttpServer.builder().setHost(metricsHost).setPort(metricsPort)
                        .build());
                System.out.println("Metrics for Prometheus on http://" + metricsHost + ":" + metricsPort + "/metrics");
            } catch (RuntimeException e) {
                // A busy port must not stop the demo: it runs on without the endpoint and says so.
                System.err.println("bridgewatch demo: no metrics endpoint on " + metricsHost + ":" + metricsPort
                        + " (" + e.getMessage() + "); use --metrics-port to pick another port");
            }
        }
        if (streamsInstances < 1 || partitions < streamsInstances) {
            System.err.println("bridgewatch demo: --streams-instances must be between 1 and --partitions ("
                    + partitions + "), got " + streamsInstances);
            return 2;
        }
        DemoSettings settings = new DemoSettings(bootstrapServers, fleet, duration,
                virtualTime ? FleetSimulator.Pacing.LOCKSTEP : FleetSimulator.Pacing.REAL_TIME, refresh,
                System.currentTimeMillis() * 1_000_000L, topology, streamsInstances, partitions, httpPort);
        CountDownLatch finished = new CountDownLatch(1);
        try (SdkMeterProvider provider = meters.build();
                Demo demo = new Demo(settings, System.out, provider.get("bridgewatch-collector"))) {
            Thread hook = new Thread(() -> {
                System.out.println("\nStopping (Ctrl-C)…");
                demo.stop();
                try {
                    finished.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                demo.start();
                demo.run();
                return 0;
            } catch (StartupException e) {
                return ServiceMain.startFailure("demo", e);
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // Ctrl-C arrived: the hook is running and waits for us.
                }
            }
        }
    }
}
