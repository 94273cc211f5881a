package io.bridgewatch.launcher.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AnalyzeCommandTest {
    @Test
    void shouldExitWithTwoAndSayWhereAndWhyForBadInput(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.json");
        new SyntheticKinetoTrace(50, 1, 4096, 10, 10_000, 5).write(trace);
        byte[] whole = Files.readAllBytes(trace);
        Path truncated = dir.resolve("truncated.json");
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        Path notATrace = dir.resolve("notes.txt");
        Files.writeString(notATrace, "GPU notes, not a trace\n");
        Path missing = dir.resolve("missing.json");

        assertThat(errorOf(truncated)).contains("truncated.json").contains("line 1, column");
        assertThat(errorOf(notATrace)).contains("not a trace");
        assertThat(errorOf(missing)).contains("missing.json").contains("cannot read");
    }

    @Test
    void shouldPrintAJsonReportForAGoodTrace(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.json.gz");
        new SyntheticKinetoTrace(50, 1, 4096, 10, 10_000, 5).write(trace);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new AnalyzeCommand()).execute(trace.toString(), "--format", "json",
                    "--no-progress");
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"direction\" : \"H2D\"")
                .contains("\"host_memory\" : \"PINNED\"").contains("\"count\" : 50");
    }

    @Test
    void shouldReportTheValidPartOfADamagedAgentStreamAndExitWithThree(@TempDir Path dir) throws Exception {
        Path records = Path.of(System.getProperty("bridgewatch.repo.dir", "..")).resolve(
                "collector/src/test/resources/agent/fixture-cupti.bwr.gz");
        byte[] whole;
        try (var in = new GZIPInputStream(Files.newInputStream(records))) {
            whole = in.readAllBytes();
        }
        Path cut = dir.resolve("killed.bwr");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 2 / 3));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new AnalyzeCommand()).execute(cut.toString(), "--format", "json",
                    "--no-progress");
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        assertThat(exit).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("killed.bwr").contains("truncated stream");
        JsonNode report = new ObjectMapper()
                .readTree(out.toString(StandardCharsets.UTF_8));
        // CUPTI hands over GPU activity in buffers, written late: all 300 copy calls precede the cut, and those
        // whose activity came after it are reported with host times only.
        assertThat(report.at("/events/crossings").asLong()).isEqualTo(300);
        assertThat(report.at("/events/unmatched_host_calls").asLong()).as("copies and launches").isBetween(1L, 2118L);
    }

    /** Runs analyze on a file that must be refused: exit code 2, and what it printed on stderr. */
    private static String errorOf(Path file) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new AnalyzeCommand()).execute(file.toString(), "--no-progress");
        } finally {
            System.setErr(original);
        }
        assertThat(exit).as("exit code for " + file).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }
}
