package io.bridgewatch.collector.service;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.agent.AgentPeers;
import io.bridgewatch.collector.redact.Redaction;
import io.bridgewatch.config.ConfigFile;
import io.bridgewatch.config.ConfigFileException;
import io.bridgewatch.config.Keystore;
import io.bridgewatch.config.MetricsAccessKeys;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of a node's collector ({@code bridgewatch collector --config FILE}), loaded once at start by
 * {@link ConfigFile}: a properties file, then {@code BRIDGEWATCH_*} environment overrides. Keys under
 * {@code node.label.} are the node's labels; keys under {@code kafka.} go to the producer as they are.
 *
 * @param servingUrl the serving engine's Prometheus endpoint, or null when none is scraped
 * @param metricsPort port of the collector's own /metrics (0: off)
 */
public record CollectorServiceConfig(String nodeId, Map<String, String> labels, CollectorConfig producer,
        Path agentSocket, AgentPeers agentPeers, URI servingUrl, Duration servingInterval, String metricsHost,
        int metricsPort, Optional<Path> metricsTokenFile, Optional<Keystore> metricsTls, Redaction redaction) {

    public static final String NODE_ID = "node.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String AGENT_SOCKET = "agent.socket";
    public static final String AGENT_ALLOWED_USERS = "agent.allowed.users";
    public static final String AGENT_ALLOWED_GROUPS = "agent.allowed.groups";
    public static final String SERVING_URL = "serving.url";
    public static final String SERVING_INTERVAL = "serving.interval.ms";
    public static final String QUEUE_CAPACITY = "queue.capacity";
    public static final String CLOSE_TIMEOUT = "close.timeout.ms";
    public static final String SPOOL_DIR = "spool.dir";
    public static final String SPOOL_MAX_BYTES = "spool.max.bytes";
    public static final String BATCH_ENABLED = "batch.enabled";
    public static final String BATCH_MAX_EVENTS = "batch.max.events";
    public static final String BATCH_MAX_BYTES = "batch.max.bytes";
    public static final String BATCH_LINGER = "batch.linger.ms";
    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";
    public static final String REDACT_KERNEL_NAMES = "redact.kernel.names";
    public static final String REDACT_KEY_FILE = "redact.key.file";
    public static final String REDACT_SIZE_BUCKETS = "redact.size.buckets";
    public static final String REDACT_TIME_RESOLUTION = "redact.time.resolution.us";
    public static final String LABEL_PREFIX = "node.label.";
    public static final String KAFKA_PREFIX = "kafka.";
    public static final int DEFAULT_METRICS_PORT = 9465;

    /** Every key, its type, default and meaning: the README's config reference is this list. */
    public static final ConfigDef DEFINITION = MetricsAccessKeys.define(new ConfigDef()
            .define(NODE_ID, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, CollectorServiceConfig::requireNodeId,
                    Importance.HIGH, "This node's id: the key of all its events, and its spool folder's name"
                            + " (letters, digits and . _ : @ -, at most 200).")
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Kafka cluster, host:port[,host:port...].")
            .define(AGENT_SOCKET, Type.STRING, "/run/bridgewatch/agent.sock",
                    ConfigDef.CompositeValidator.of(new ConfigDef.NonEmptyString(), ConfigFile.FILE_PATH),
                    Importance.HIGH, "Unix socket the native agent connects to (BRIDGEWATCH_AGENT_SOCKET there).")
            .define(AGENT_ALLOWED_USERS, Type.LIST, "", Importance.MEDIUM, "Users whose processes may stream to"
                    + " the agent socket, besides the collector's own (checked by the kernel's peer credentials).")
            .define(AGENT_ALLOWED_GROUPS, Type.LIST, "", Importance.MEDIUM, "Groups whose processes may stream to"
                    + " the agent socket (a process's primary group when it connects).")
            .define(SERVING_URL, Type.STRING, null, CollectorServiceConfig::requireUrl, Importance.MEDIUM,
                    "The serving engine's Prometheus endpoint (vLLM, SGLang); unset: not scraped.")
            .define(SERVING_INTERVAL, Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                    "How often the serving engine is scraped.")
            .define(QUEUE_CAPACITY, Type.INT, CollectorConfig.DEFAULT_QUEUE_CAPACITY, Range.atLeast(1),
                    Importance.MEDIUM, "Events held for the producer; beyond it events are dropped and counted.")
            .define(CLOSE_TIMEOUT, Type.LONG, CollectorConfig.DEFAULT_CLOSE_TIMEOUT.toMillis(), Range.atLeast(0),
                    Importance.LOW, "How long a stop waits for queued events to be acknowledged.")
            .define(SPOOL_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/bridgewatch-spool",
                    ConfigFile.FILE_PATH, Importance.HIGH, "Where events wait on disk until Kafka acknowledges them (a folder per node"
                            + " below it; keep it across restarts); empty: no spool, events wait in memory only.")
            .define(SPOOL_MAX_BYTES, Type.LONG, CollectorConfig.Spool.DEFAULT_MAX_BYTES, Range.atLeast(1L << 20),
                    Importance.MEDIUM, "The spool's size on disk; when full, its oldest events are dropped and"
                            + " counted.")
            .define(BATCH_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM, "Send the node's events many to a record"
                    + " on the node events topic, in the order taken (needs a streams-app that reads batches);"
                    + " false: one record per event on the per-event topics.")
            .define(BATCH_MAX_EVENTS, Type.INT, CollectorConfig.Batching.DEFAULT.maxEvents(), Range.atLeast(1),
                    Importance.LOW, "Events in one batch, at most.")
            .define(BATCH_MAX_BYTES, Type.INT, CollectorConfig.Batching.DEFAULT.maxBytes(), Range.atLeast(1024),
                    Importance.LOW, "Bytes of one batch, about; keep it under the topic's max.message.bytes.")
            .define(BATCH_LINGER, Type.LONG, CollectorConfig.Batching.DEFAULT.linger().toMillis(), Range.atLeast(0),
                    Importance.LOW, "How long a batch's first event may wait for more before the batch is sent.")
            .define(METRICS_HOST, Type.STRING, "127.0.0.1", Importance.LOW, "Address of the /metrics endpoint.")
            .define(METRICS_PORT, Type.INT, DEFAULT_METRICS_PORT, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of the collector's own Prometheus /metrics (0: off).")
            .define(REDACT_KERNEL_NAMES, Type.STRING, "keep", ConfigDef.ValidString.in("keep", "hash", "drop"),
                    Importance.MEDIUM, "Kernel names as sent: keep, hash (HMAC-SHA256 with redact.key.file, 16 hex"
                            + " digits) or drop.")
            .define(REDACT_KEY_FILE, Type.STRING, null, ConfigFile.FILE_PATH, Importance.MEDIUM,
                    "File of the kernel-name hash key (16 bytes or more); the same key on every node keeps names"
                            + " comparable across the fleet.")
            .define(REDACT_SIZE_BUCKETS, Type.BOOLEAN, false, Importance.MEDIUM, "Send copy sizes rounded up to a"
                    + " power of two.")
            .define(REDACT_TIME_RESOLUTION, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM, "Send timestamps"
                    + " rounded down to multiples of this many microseconds (0: as measured)."));

    public static CollectorServiceConfig load(Path file, Map<String, String> environment) {
        ConfigFile.Loaded loaded = ConfigFile.load(file, DEFINITION, List.of(LABEL_PREFIX, KAFKA_PREFIX),
                environment);
        String node = (String) loaded.get(NODE_ID);
        String url = (String) loaded.get(SERVING_URL);
        CollectorConfig producer = new CollectorConfig((String) loaded.get(BOOTSTRAP_SERVERS),
                (Integer) loaded.get(QUEUE_CAPACITY), Duration.ofMillis((Long) loaded.get(CLOSE_TIMEOUT)),
                "bridgewatch-collector-" + node, loaded.under(KAFKA_PREFIX));
        producer = producer.withBatching((Boolean) loaded.get(BATCH_ENABLED)
                ? Optional.of(new CollectorConfig.Batching((Integer) loaded.get(BATCH_MAX_EVENTS),
                        (Integer) loaded.get(BATCH_MAX_BYTES), Duration.ofMillis((Long) loaded.get(BATCH_LINGER))))
                : Optional.empty());
        String spoolDir = (String) loaded.get(SPOOL_DIR);
        if (spoolDir != null && !spoolDir.isBlank()) {
            producer = producer.withSpool(CollectorConfig.Spool.of(Path.of(spoolDir).resolve(node),
                    (Long) loaded.get(SPOOL_MAX_BYTES)));
        }
        return new CollectorServiceConfig(node, loaded.under(LABEL_PREFIX), producer,
                Path.of((String) loaded.get(AGENT_SOCKET)), agentPeers(loaded), url == null ? null : URI.create(url),
                Duration.ofMillis((Long) loaded.get(SERVING_INTERVAL)), (String) loaded.get(METRICS_HOST),
                (Integer) loaded.get(METRICS_PORT),
                MetricsAccessKeys.tokenFile(loaded), MetricsAccessKeys.tls(loaded), redaction(loaded));
    }

    private static Redaction redaction(ConfigFile.Loaded loaded) {
        String keyFile = (String) loaded.get(REDACT_KEY_FILE);
        Redaction.KernelNames names = Redaction.KernelNames.of((String) loaded.get(REDACT_KERNEL_NAMES));
        try {
            return new Redaction(names, keyFile == null ? new byte[0] : Redaction.keyFrom(Path.of(keyFile)),
                    (Boolean) loaded.get(REDACT_SIZE_BUCKETS), (Long) loaded.get(REDACT_TIME_RESOLUTION) * 1_000L);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ConfigFileException("key '" + REDACT_KERNEL_NAMES + "' = " + names.name().toLowerCase(
                    Locale.ROOT) + " with '" + REDACT_KEY_FILE + "' = " + keyFile + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static AgentPeers agentPeers(ConfigFile.Loaded loaded) {
        return AgentPeers.ownUserAnd(Set.copyOf((List<String>) loaded.get(AGENT_ALLOWED_USERS)),
                Set.copyOf((List<String>) loaded.get(AGENT_ALLOWED_GROUPS)));
    }

    /** A node id also names a folder: nothing that could leave the spool folder or that no file system takes. */
    private static final Pattern NODE_ID_FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}");

    private static void requireNodeId(String name, Object value) {
        if (value == null || !NODE_ID_FORM.matcher(value.toString()).matches() || value.toString().contains("..")) {
            throw new ConfigException(name, value, "a node id is letters, digits and . _ : @ - (at most 200, no"
                    + " '..', starting with a letter or digit)");
        }
    }

    private static void requireUrl(String name, Object value) {
        if (value == null) {
            return;
        }
        try {
            URI uri = URI.create(value.toString());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new ConfigException(name, value, "Value must be an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "Value must be an http(s) URL");
        }
    }
}
