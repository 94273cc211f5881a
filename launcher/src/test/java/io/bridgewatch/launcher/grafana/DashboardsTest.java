package io.bridgewatch.launcher.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed dashboards are the generator's output, valid, uniquely identified and wired to the data source. */
public class DashboardsTest {
    static final Path GRAFANA = Path.of(System.getProperty("bridgewatch.repo.dir", "..")).resolve("grafana");
    private static final Pattern METRIC = Pattern.compile("bridgewatch_[a-z_]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldMatchTheGeneratorOutput() throws IOException {
        for (var dashboard : Dashboards.all()) {
            Path file = GRAFANA.resolve("dashboards").resolve(dashboard.get("uid").asText() + ".json");
            assertThat(file).as("regenerate with Dashboards.main").exists();
            assertThat(Files.readString(file)).as("%s is stale: regenerate with Dashboards.main", file)
                    .isEqualTo(Dashboards.render(dashboard));
        }
        try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
            assertThat(files.count()).as("no hand-made dashboards beside the generated ones")
                    .isEqualTo(Dashboards.all().size());
        }
    }

    @Test
    void shouldHaveUniqueUidsAndPanelIdsAndOnlyTheProvisionedDataSource() throws IOException {
        String provisioned = new ObjectMapper(new YAMLFactory())
                .readTree(GRAFANA.resolve("provisioning/datasources/prometheus.yaml").toFile())
                .get("datasources").get(0).get("uid").asText();
        Set<String> uids = new HashSet<>();
        for (JsonNode dashboard : committed()) {
            assertThat(uids.add(dashboard.get("uid").asText())).as("unique uid").isTrue();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : dashboard.get("panels")) {
                assertThat(ids.add(panel.get("id").asInt())).as("unique panel id").isTrue();
                assertThat(panel.at("/datasource/uid").asText()).isEqualTo(provisioned);
                for (JsonNode target : panel.get("targets")) {
                    assertThat(target.at("/datasource/uid").asText()).isEqualTo(provisioned);
                    assertThat(target.get("expr").asText()).isNotBlank();
                }
            }
            for (JsonNode variable : dashboard.at("/templating/list")) {
                assertThat(variable.at("/datasource/uid").asText()).isEqualTo(provisioned);
            }
        }
    }

    /**
     * Every panel query of every committed dashboard, as Prometheus would run it with every variable at "All" and
     * a 1 m rate interval.
     */
    public static List<String> queries() throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode dashboard : committed()) {
            for (JsonNode panel : dashboard.get("panels")) {
                for (JsonNode target : panel.get("targets")) {
                    queries.add(target.get("expr").asText().replaceAll("\\$(cohort|node|gpu)", ".*")
                            .replace("$__rate_interval", "1m"));
                }
            }
        }
        return queries;
    }

    /** Every metric any panel or variable of any committed dashboard queries. */
    public static Set<String> metricsUsed() throws IOException {
        Set<String> metrics = new TreeSet<>();
        for (JsonNode dashboard : committed()) {
            Matcher m = METRIC.matcher(dashboard.toString());
            while (m.find()) {
                metrics.add(m.group());
            }
        }
        return metrics;
    }

    static List<JsonNode> committed() throws IOException {
        List<JsonNode> dashboards = new ArrayList<>();
        try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
            for (Path file : files.sorted().toList()) {
                dashboards.add(JSON.readTree(file.toFile()));
            }
        }
        return dashboards;
    }
}
