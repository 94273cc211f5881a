package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.TracePublisher;
import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.launcher.KafkaClientProperties;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.Topics;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bridgewatch import TRACE --node ID}: publishes a trace to Kafka as one node's live data. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Publishes a trace's crossings and kernels (Kineto JSON or Nsight SQLite) and a NodeInfo to"
                + " Kafka, so the fleet pipeline analyses the node like live data. The whole trace is checked first:"
                + " a bad trace publishes nothing. Without --bootstrap-servers, an embedded broker is started and the"
                + " streams-app's results for the node are printed. Agent record files (.bwr) replay an agent's run."
                + " Exit codes: 0 published, 1 not all events were acknowledged (the import is incomplete), 2 bad"
                + " input (nothing published), 3 damaged input (an agent stream cut short or corrupt: its valid part"
                + " was published).")
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "The trace to import.")
    Path trace;

    @Option(names = "--node", required = true, paramLabel = "ID", description = "The node id to publish under.")
    String node;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label of the node (repeatable);"
            + " cc_mode=ON|DEVTOOLS|OFF sets its CC mode; engine, engine_version, model, driver and max_concurrency"
            + " its cohort.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--bootstrap-servers",
            description = "Kafka cluster to publish to; without it an embedded single-node broker is started.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties for the cluster"
            + " (a secured one: security.protocol, keystores or SASL settings). The topics are then taken to be"
            + " provisioned by the cluster's operator: the import only writes the node topics.")
    Path kafkaConfig;

    @Option(names = "--keep-times", description = "Publish the trace's own times instead of moving its last event"
            + " to now (a live pipeline drops events older than its windows' grace as late).")
    boolean keepTimes;

    @Option(names = "--progress", negatable = true, description = "Show progress bars on stderr (default: when"
            + " stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() throws Exception {
        boolean showProgress = progress != null ? progress : System.console() != null;
        TraceImport traceImport;
        TraceImport.Checked checked;
        try {
            traceImport = new TraceImport(node, labels, keepTimes);
            checked = withBar(showProgress, "checking  ", bar -> traceImport.check(trace, bar));
        } catch (TraceFormatException | IllegalArgumentException e) {
            System.err.println("bridgewatch import: " + e.getMessage() + "; nothing was published");
            return 2;
        }
        System.out.printf("Checked %s: %d crossings, %d kernels, %d memsets%n", trace, checked.summary().crossings(),
                checked.summary().kernels(), checked.summary().memsets());
        String damage = checked.summary().damage();
        if (damage != null) {
            System.err.println("bridgewatch import: the input is damaged: " + damage + "; publishing what came"
                    + " before it");
        }
        EmbeddedKafkaBroker broker = null;
        try {
            String servers = bootstrapServers;
            if (servers == null) {
                System.out.println("Starting the embedded Kafka broker (KRaft, single node)…");
                broker = EmbeddedKafkaBroker.start();
                servers = broker.bootstrapServers();
            }
            Map<String, String> client = kafkaConfig == null ? Map.of() : KafkaClientProperties.load(kafkaConfig);
            if (kafkaConfig == null) {
                provisionTopics(servers);
            }
            String target = servers;
            TraceImport.Result result = withBar(showProgress, "publishing", bar -> traceImport.publish(trace, checked,
                    target, client, System.currentTimeMillis() * 1_000_000L, bar));
            TracePublisher.Outcome outcome = result.outcome();
            if (!outcome.complete()) {
                System.err.printf("bridgewatch import: INCOMPLETE: %d of %d records acknowledged by %s, %d refused"
                        + "%s%n", outcome.acknowledged(), outcome.sent(), target, outcome.failed(),
                        outcome.firstError() == null ? "" : "; first error: " + outcome.firstError().getMessage());
                return 1;
            }
            System.out.printf("Published node %s to %s: %d records (NodeInfo, crossings, kernels), all acknowledged;"
                    + " events from %s to %s%n", node, target, outcome.sent(),
                    Instant.ofEpochSecond(0, result.firstEventNs()), Instant.ofEpochSecond(0, result.lastEventNs()));
            if (broker != null) {
                EmbeddedImportResults.run(target, node, result.lastEventNs(), System.out);
            }
            return damage == null ? 0 : 3;
        } catch (IllegalStateException | UncheckedIOException e) {
            System.err.println("bridgewatch import: " + e.getMessage());
            return 1;
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private <T> T withBar(boolean show, String label, Function<TraceProgress, T> work) {
        ProgressBar bar = show ? new ProgressBar(System.err, label, trace.toFile().length()) : null;
        try {
            return work.apply(bar == null ? TraceProgress.NONE : bar);
        } finally {
            if (bar != null) {
                bar.done();
            }
        }
    }

    private static void provisionTopics(String bootstrapServers) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            int brokers = admin.describeCluster().nodes().get().size();
            new TopicProvisioner(admin, (short) Math.min(3, brokers)).ensure(Topics.all(Topics.DEFAULT_PARTITIONS));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }
}
