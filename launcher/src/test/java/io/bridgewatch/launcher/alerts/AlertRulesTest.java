package io.bridgewatch.launcher.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bridgewatch.launcher.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules under grafana/alerts, checked and unit-tested (must-fire and must-not-fire cases) by the real
 * promtool of the Debian prometheus package, which .ci/run installs.
 */
class AlertRulesTest {
    private static final Path ALERTS = Path.of(System.getProperty("bridgewatch.repo.dir", ".."))
            .resolve("grafana/alerts");

    @Test
    void shouldBeValidPrometheusRules() throws Exception {
        Result check = promtool("check", "rules", ALERTS.resolve("bridgewatch.rules.yml").toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void shouldPassTheirUnitTests() throws Exception {
        Result test = promtool("test", "rules", ALERTS.resolve("tests/bridgewatch.rules.test.yml").toString());
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void shouldLinkEveryAlertToItsRunbookSection() throws IOException {
        String rules = Files.readString(ALERTS.resolve("bridgewatch.rules.yml"));
        String runbook = Files.readString(ALERTS.resolveSibling("RUNBOOK.md"));
        List<String> alerts = rules.lines().map(String::strip).filter(l -> l.startsWith("- alert: "))
                .map(l -> l.substring("- alert: ".length())).toList();
        assertThat(alerts).isNotEmpty();
        for (String alert : alerts) {
            assertThat(runbook).as("runbook section for %s", alert).contains("## " + alert + "\n");
            assertThat(rules).contains("grafana/RUNBOOK.md#" + alert.toLowerCase());
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result promtool(String... args) throws IOException, InterruptedException {
        assumeTrue(Executables.onPath("promtool"),
                "promtool not installed (Debian package prometheus; .ci/run installs it)");
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), output);
    }

}
