package io.bridgewatch.launcher.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bridgewatch.config.ConfigFile;
import io.bridgewatch.launcher.Executables;
import io.bridgewatch.streams.service.StreamsServiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked as a file: the services, that every
 * mounted file exists, that the pieces point at each other (scrape target, rule files, dashboards path), and the
 * Prometheus and Alertmanager configs it mounts with their own checkers when installed.
 */
class DockerComposeTest {
    private static final Path REPO = Path.of(System.getProperty("bridgewatch.repo.dir", ".."));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void shouldDefineThePipelineWithMountsThatExist() throws IOException {
        JsonNode services = YAML.readTree(REPO.resolve("docker-compose.yml").toFile()).get("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("kafka", "streams-1", "streams-2", "simulator", "prometheus",
                "alertmanager", "grafana");
        for (JsonNode service : services) {
            assertThat(service.get("image").asText()).as("pinned image").matches(".+:.+");
            for (JsonNode volume : service.path("volumes")) {
                String host = volume.asText().split(":")[0];
                if (host.startsWith(".")) {
                    assertThat(REPO.resolve(host).normalize()).as("mounted %s", host).exists();
                }
            }
        }
    }

    @Test
    void shouldWireScrapingRulesAndDashboardsTogether() throws IOException {
        JsonNode services = YAML.readTree(REPO.resolve("docker-compose.yml").toFile()).get("services");
        JsonNode prometheus = YAML.readTree(REPO.resolve("grafana/prometheus/prometheus.yml").toFile());
        List<String> streamsTargets = new ArrayList<>();
        prometheus.at("/scrape_configs/0/static_configs/0/targets").forEach(t -> streamsTargets.add(t.asText()));
        for (String instance : List.of("streams-1", "streams-2")) {
            JsonNode service = services.get(instance);
            assertThat(service.at("/command").toString()).contains("streams");
            Map<String, String> environment = environment(service);
            // Every variable is a key of the streams config (else the instance would refuse to start).
            environment.keySet().forEach(variable -> assertThat(StreamsServiceConfig.DEFINITION.names().stream()
                    .map(ConfigFile::environmentName)).as(variable).contains(variable));
            assertThat(environment).containsEntry("BRIDGEWATCH_BOOTSTRAP_SERVERS", "kafka:9092")
                    .containsEntry("BRIDGEWATCH_METRICS_HOST", "0.0.0.0")
                    .containsEntry("BRIDGEWATCH_HTTP_HOST", "0.0.0.0")
                    .containsEntry("BRIDGEWATCH_APPLICATION_SERVER", instance + ":"
                            + StreamsServiceConfig.DEFAULT_HTTP_PORT);
            assertThat(streamsTargets).contains(instance + ":" + StreamsServiceConfig.DEFAULT_METRICS_PORT);
        }
        String simulator = services.at("/simulator/command").toString();
        assertThat(argument(simulator, "--bootstrap-servers")).isEqualTo("kafka:9092");
        assertThat(argument(simulator, "--metrics-host")).isEqualTo("0.0.0.0");
        assertThat(prometheus.at("/scrape_configs/1/static_configs/0/targets/0").asText())
                .isEqualTo("simulator:" + argument(simulator, "--metrics-port"));
        assertThat(services.at("/prometheus/volumes").toString())
                .contains("./grafana/alerts:/etc/prometheus/alerts");
        assertThat(prometheus.at("/rule_files/0").asText())
                .isEqualTo("/etc/prometheus/alerts/bridgewatch.rules.yml");
        assertThat(REPO.resolve("grafana/alerts/bridgewatch.rules.yml")).exists();
        String dashboardsPath = YAML.readTree(REPO.resolve("grafana/provisioning/dashboards/bridgewatch.yaml")
                .toFile()).at("/providers/0/options/path").asText();
        assertThat(services.at("/grafana/volumes").toString())
                .contains("./grafana/dashboards:" + dashboardsPath);
        assertThat(prometheus.at("/alerting/alertmanagers/0/static_configs/0/targets/0").asText())
                .isEqualTo("alertmanager:9093");
    }

    @Test
    void shouldMountConfigsThatPrometheusAndAlertmanagerAccept() throws Exception {
        assertThat(run("promtool", "check", "config", "--syntax-only",
                REPO.resolve("grafana/prometheus/prometheus.yml").toString())).contains("SUCCESS");
        assertThat(run("amtool", "check-config", REPO.resolve("grafana/alertmanager/alertmanager.yml").toString()))
                .contains("SUCCESS");
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> environment = new java.util.TreeMap<>();
        service.path("environment").fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        return environment;
    }

    private static String argument(String command, String option) {
        String[] parts = command.replaceAll("[\\[\\]\"]", "").split(",");
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].strip().equals(option)) {
                return parts[i + 1].strip();
            }
        }
        throw new AssertionError(option + " missing from " + command);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        assumeTrue(Executables.onPath(command[0]),
                command[0] + " not installed (.ci/run installs the Debian packages)");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

}
