package io.bridgewatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.NodeSpec;
import io.bridgewatch.simulator.Scenario;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.simulator.TollChange;
import io.bridgewatch.launcher.grafana.DashboardsTest;
import io.bridgewatch.schema.BridgeAlert;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.TopologyConfig;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Dashboards and alerts end to end, with the real Debian Prometheus and Alertmanager on loopback (.ci/run installs
 * them): the demo runs on the embedded broker, Prometheus scrapes it, every dashboard query returns data, a node
 * whose toll doubles mid-run (a driver update) fires the regression alert that Alertmanager delivers to a webhook in
 * the test, and a healthy fleet fires nothing.
 */
class AlertingEndToEndIT {
    private static final long START_NS = System.currentTimeMillis() / 60_000 * 60_000 * 1_000_000L;
    private static final Path RULES = Path.of(System.getProperty("bridgewatch.repo.dir", ".."))
            .resolve("grafana/alerts/bridgewatch.rules.yml");

    @Test
    void shouldAnswerEveryDashboardQueryAndDeliverTheTollRegressionOfTheUpdatedNode() throws Exception {
        assumeTrue(MonitoringStack.installed(), "prometheus and prometheus-alertmanager not installed");
        Scenario base = ScenarioLoader.loadDefault();
        List<NodeSpec> nodes = new ArrayList<>();
        for (NodeSpec n : base.nodes()) {
            nodes.add(n.id().equals("h200-cc-c32") ? new NodeSpec(n.id(), n.ccMode(), n.concurrency(), n.mitigations(),
                    n.driverVersion(), n.engineVersion(), n.labels(), new TollChange(100_000_000_000L, 2.0)) : n);
        }
        Scenario scenario = new Scenario(base.seed(), base.defaults(), base.bridge(), nodes);
        int metricsPort = MonitoringStack.freePort();
        try (SdkMeterProvider meters = meters(metricsPort);
                MonitoringStack stack = new MonitoringStack(RULES, metricsPort);
                Demo demo = demo(scenario, Duration.ofSeconds(200), meters)) {
            demo.start();
            demo.run();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    deliveredAlerts(stack).contains("BridgewatchTollRegression h200-cc-c32"));
            assertThat(deliveredAlerts(stack)).as(stack.logs()).filteredOn(a -> a.startsWith("BridgewatchTollRegression"))
                    .containsOnly("BridgewatchTollRegression h200-cc-c32");

            // The in-stream detector said the same on the alerts topic.
            List<BridgeAlert> inStream = TopicReader.readUntil(demo.bootstrapServers(), Topics.ALERTS,
                    BridgewatchSerdes.of(BridgeAlert.class).deserializer(), read -> read.stream().anyMatch(a ->
                            a.getNodeId().equals("h200-cc-c32") && a.getStatus().equals("FIRING")),
                    Duration.ofSeconds(30));
            assertThat(inStream).filteredOn(a -> a.getStatus().equals("FIRING")).extracting(BridgeAlert::getNodeId)
                    .containsOnly("h200-cc-c32");

            // Provisional figures come from a wall-clock punctuation (every 10 s) and one scrape later, so the
            // dashboards get a while to fill rather than one look.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(dashboardQueriesWithoutData(stack)).as("dashboard queries without data").isEmpty());
        }
    }

    @Test
    void shouldFireNothingForAHealthyFleet() throws Exception {
        assumeTrue(MonitoringStack.installed(), "prometheus and prometheus-alertmanager not installed");
        List<NodeSpec> nodes = List.of(
                new NodeSpec("cc-1", CcMode.ON, 32, List.of(), null, null, null, null),
                new NodeSpec("cc-2", CcMode.ON, 32, List.of(), null, null, null, null),
                new NodeSpec("cc-3", CcMode.ON, 32, List.of(), null, null, null, null));
        Scenario base = ScenarioLoader.loadDefault();
        Scenario scenario = new Scenario(base.seed(), base.defaults(), base.bridge(), nodes);
        int metricsPort = MonitoringStack.freePort();
        try (SdkMeterProvider meters = meters(metricsPort);
                MonitoringStack stack = new MonitoringStack(RULES, metricsPort);
                Demo demo = demo(scenario, Duration.ofSeconds(150), meters)) {
            demo.start();
            demo.run();
            // Prometheus has scraped the tolls (so the rules had data) ...
            await().atMost(Duration.ofSeconds(30)).until(() -> !stack.query("bridgewatch_bridge_toll_seconds").isEmpty());
            // ... and for longer than every shortened `for`, nothing is pending, firing or delivered.
            Thread.sleep(Duration.ofSeconds(10).toMillis());
            assertThat(stack.alerts()).as(stack.logs()).isEmpty();
            assertThat(stack.deliveries()).isEmpty();
            assertThat(TopicReader.readUntil(demo.bootstrapServers(), Topics.ALERTS,
                    BridgewatchSerdes.of(BridgeAlert.class).deserializer(), read -> true, Duration.ofSeconds(5)))
                    .as("in-stream alerts").isEmpty();
        }
    }

    private static Set<String> dashboardQueriesWithoutData(MonitoringStack stack) throws Exception {
        Set<String> empty = new TreeSet<>();
        for (String query : DashboardsTest.queries()) {
            // Without data in this fleet: the async figures of pageable memory (its async copies are all pinned;
            // read-backs into pageable memory are synchronous calls).
            boolean noneInThisFleet = query.contains("host_memory=\"PAGEABLE\"");
            // Over the whole run: the collectors' series end with the run.
            if (!noneInThisFleet && stack.queryRange(query, 300).isEmpty()) {
                empty.add(query);
            }
        }
        return empty;
    }

    private static List<String> deliveredAlerts(MonitoringStack stack) {
        List<String> alerts = new ArrayList<>();
        for (JsonNode delivery : stack.deliveries()) {
            StreamSupport.stream(delivery.path("alerts").spliterator(), false)
                    .filter(a -> "firing".equals(a.path("status").asText()))
                    .forEach(a -> alerts.add(a.at("/labels/alertname").asText() + " " + a.at("/labels/node").asText()));
        }
        return alerts;
    }

    private static SdkMeterProvider meters(int port) {
        return SdkMeterProvider.builder().registerMetricReader(PrometheusHttpServer.builder().setHost("127.0.0.1")
                .setPort(port).build()).build();
    }

    private static Demo demo(Scenario scenario, Duration duration, SdkMeterProvider meters) {
        return new Demo(new DemoSettings(null, scenario, duration, FleetSimulator.Pacing.LOCKSTEP, Duration.ofHours(1),
                START_NS, TopologyConfig.DEFAULTS), new PrintStream(OutputStream.nullOutputStream()),
                meters.get("e2e"));
    }
}
