package io.bridgewatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.launcher.trace.SyntheticKinetoTrace;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bridgewatch import} against a real (embedded) broker given by --bootstrap-servers. */
class TraceImportIT {
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldPublishEveryEventOfATraceAndNothingOfABadOne(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json.gz");
        Path good = dir.resolve("good.json.gz");
        new SyntheticKinetoTrace(100, 2, 4096, 300, 10_000, 50).write(good);
        byte[] whole = Files.readAllBytes(good);
        Files.write(bad, Arrays.copyOf(whole, whole.length - 100));

        assertThat(run("import", bad.toString(), "--node", "bad-node")).as("exit code of a truncated trace")
                .isEqualTo(2);
        long before = System.currentTimeMillis() * 1_000_000L;
        assertThat(run("import", good.toString(), "--node", "imported-1", "--label", "cc_mode=ON",
                "--label", "model=llama")).isZero();

        List<Crossing> crossings = TopicReader.readEventsUntil(broker.bootstrapServers(), Topics.CROSSINGS,
                Crossing.class, read -> read.size() >= 200, Duration.ofSeconds(30));
        List<KernelExec> kernels = TopicReader.readEventsUntil(broker.bootstrapServers(), Topics.KERNELS,
                KernelExec.class, read -> read.size() >= 200, Duration.ofSeconds(30));
        List<NodeInfo> nodes = TopicReader.readUntil(broker.bootstrapServers(), Topics.NODES,
                BridgewatchSerdes.nodeInfo().deserializer(), read -> !read.isEmpty(), Duration.ofSeconds(30));
        assertThat(crossings).hasSize(200).allSatisfy(c -> {
            assertThat(c.getNodeId()).isEqualTo("imported-1");
            // Moved so the trace ends now: a live pipeline takes it as live data.
            assertThat(c.getApiStartNs()).isBetween(before - 10_000_000_000L, System.currentTimeMillis() * 1_000_000L);
        });
        assertThat(kernels).hasSize(200);
        assertThat(nodes).singleElement().satisfies(n -> {
            assertThat(n.getNodeId()).isEqualTo("imported-1");
            assertThat(n.getCcMode()).isEqualTo(CcMode.ON);
            assertThat(n.getModel()).isEqualTo("llama");
            assertThat(n.getSource()).isEqualTo(EventSource.TRACE_IMPORT);
            assertThat(n.getGpuSku()).isEqualTo("Synthetic GPU");
        });
    }

    private static int run(String... args) {
        String[] withBroker = Arrays.copyOf(args, args.length + 3);
        withBroker[args.length] = "--bootstrap-servers";
        withBroker[args.length + 1] = broker.bootstrapServers();
        withBroker[args.length + 2] = "--no-progress";
        return new CommandLine(new BridgewatchCli()).execute(withBroker);
    }
}
