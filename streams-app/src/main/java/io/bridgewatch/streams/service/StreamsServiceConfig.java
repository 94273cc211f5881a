package io.bridgewatch.streams.service;

import io.bridgewatch.config.ConfigFile;
import io.bridgewatch.config.Keystore;
import io.bridgewatch.config.MetricsAccessKeys;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.cohort.ReferenceBaseline;
import io.bridgewatch.streams.query.BearerToken;
import io.bridgewatch.streams.query.HttpAccess;
import io.bridgewatch.streams.sql.SqlLimits;
import io.bridgewatch.streams.sql.SqlSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of one streams-app instance ({@code bridgewatch streams --config FILE}), loaded once at start by
 * {@link ConfigFile}: a properties file, then {@code BRIDGEWATCH_*} environment overrides. Keys under {@code kafka.}
 * are passed to Kafka Streams and its clients as they are (e.g. {@code kafka.security.protocol}).
 *
 * @param httpHost address the query API binds to
 * @param httpPort port of the query API (0: any free port)
 * @param advertisedServer the {@code application.server} other instances reach this one at (host:port); null: the
 *     bind address and the bound port
 * @param metricsPort port of this instance's Prometheus endpoint (0: off)
 * @param provisionTopics create missing topics (true) or only check that they exist (false)
 * @param partitions partitions of topics it creates: the most instances that can share the work
 * @param replicationFactor replication of topics it creates; 0: min(3, brokers)
 * @param metricsStaleAfter result windows that started longer ago than this are not exported as metrics
 * @param startupTimeout how long to wait for the cluster at start before giving up with one line
 * @param sql limits of the SQL queries it serves
 */
public record StreamsServiceConfig(StreamsAppConfig app, int standbyReplicas, String httpHost, int httpPort,
        String advertisedServer, String metricsHost, int metricsPort, boolean provisionTopics, int partitions,
        int replicationFactor, Duration metricsStaleAfter, Duration startupTimeout, SqlSettings sql,
        Map<String, String> kafka, HttpAccess httpAccess, Optional<Path> metricsTokenFile,
        Optional<Keystore> metricsTls) {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String THREADS = "num.stream.threads";
    public static final String STANDBYS = "num.standby.replicas";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String APPLICATION_SERVER = "application.server";
    public static final String HTTP_TLS_KEYSTORE = "http.tls.keystore";
    public static final String HTTP_TLS_KEYSTORE_PASSWORD = "http.tls.keystore.password";
    public static final String HTTP_TLS_TRUSTSTORE = "http.tls.truststore";
    public static final String HTTP_TLS_TRUSTSTORE_PASSWORD = "http.tls.truststore.password";
    public static final String HTTP_TOKEN_FILE = "http.token.file";
    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";
    public static final String METRICS_STALE_AFTER = "metrics.stale.after.ms";
    public static final String TOPICS_PROVISION = "topics.provision";
    public static final String TOPICS_PARTITIONS = "topics.partitions";
    public static final String TOPICS_REPLICATION = "topics.replication.factor";
    public static final String NODE_WINDOW = "window.node.ms";
    public static final String NODE_GRACE = "window.node.grace.ms";
    public static final String NODE_SILENCE = "window.node.silence.ms";
    public static final String COHORT_WINDOW = "window.cohort.ms";
    public static final String COHORT_GRACE = "window.cohort.grace.ms";
    public static final String COHORT_PROVISIONAL = "window.cohort.provisional.ms";
    public static final String RESULT_RETENTION = "results.retention.ms";
    public static final String BASELINE_FILE = "baseline.file";
    public static final String ASYNC_REFERENCE_P99 = "async.reference.p99.us";
    public static final String STARTUP_TIMEOUT = "startup.timeout.ms";
    public static final String QUERY_MAX_ROWS = "query.max.rows";
    public static final String QUERY_MAX_SCANNED = "query.max.scanned.records";
    public static final String QUERY_TIMEOUT = "query.timeout.ms";
    public static final String QUERY_PUSH_MAX = "query.push.max.queries";
    public static final String QUERY_PUSH_QUEUE = "query.push.queue.rows";
    /** Keys under it go to Kafka Streams and its clients unchanged. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final int DEFAULT_HTTP_PORT = 7070;
    public static final int DEFAULT_METRICS_PORT = 9464;

    /** Every key, its type, default and meaning: the README's config reference is this list. */
    public static final ConfigDef DEFINITION = MetricsAccessKeys.define(new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Kafka cluster, host:port[,host:port...].")
            .define(APPLICATION_ID, Type.STRING, StreamsAppConfig.DEFAULT_APPLICATION_ID,
                    new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id: instances with the same id share the partitions.")
            .define(STATE_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/bridgewatch-streams",
                    ConfigDef.CompositeValidator.of(new ConfigDef.NonEmptyString(),
                    ConfigFile.FILE_PATH), Importance.HIGH,
                    "Where local state lives; keep it across restarts so a restarted instance resumes quickly.")
            .define(THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Stream threads of this instance.")
            .define(STANDBYS, Type.INT, 1, Range.atLeast(0), Importance.HIGH,
                    "Standby replicas of each state store on other instances (fail-over without restoring).")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the query API binds to.")
            .define(HTTP_PORT, Type.INT, DEFAULT_HTTP_PORT, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of the query API (0: any free port).")
            .define(APPLICATION_SERVER, Type.STRING, null, Importance.MEDIUM,
                    "host:port other instances reach this one's query API at; default: http.host:http.port.")
            .define(HTTP_TLS_KEYSTORE, Type.STRING, null, ConfigFile.FILE_PATH, Importance.MEDIUM,
                    "PKCS12 keystore of the query API's certificate: the API then speaks HTTPS only (and instances"
                            + " ask each other over HTTPS).")
            .define(HTTP_TLS_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Its password.")
            .define(HTTP_TLS_TRUSTSTORE, Type.STRING, null, ConfigFile.FILE_PATH, Importance.MEDIUM,
                    "PKCS12 truststore the instances check each other's certificates against; default: the JVM's.")
            .define(HTTP_TLS_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Its password.")
            .define(HTTP_TOKEN_FILE, Type.STRING, null, ConfigFile.FILE_PATH, Importance.MEDIUM,
                    "File whose first line is the bearer token every query (all but /health) must carry, and"
                            + " instances send each other; unset: none.")
            .define(METRICS_HOST, Type.STRING, "127.0.0.1", Importance.LOW, "Address of the /metrics endpoint.")
            .define(METRICS_PORT, Type.INT, DEFAULT_METRICS_PORT, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of the Prometheus /metrics endpoint (0: off).")
            .define(METRICS_STALE_AFTER, Type.LONG, Duration.ofMinutes(5).toMillis(), Range.atLeast(1),
                    Importance.LOW, "Result windows that started longer ago are not exported as metrics.")
            .define(TOPICS_PROVISION, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Create missing topics at start (false: only check they exist and name the missing ones).")
            .define(TOPICS_PARTITIONS, Type.INT, Topics.DEFAULT_PARTITIONS, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of the topics it creates: the most instances that can share the work.")
            .define(TOPICS_REPLICATION, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Replication factor of the topics it creates (0: min(3, brokers)).")
            .define(NODE_WINDOW, Type.LONG, TopologyConfig.DEFAULT_NODE_WINDOW.toMillis(), Range.atLeast(1),
                    Importance.MEDIUM, "Node window size.")
            .define(NODE_GRACE, Type.LONG, TopologyConfig.DEFAULT_GRACE.toMillis(), Range.atLeast(0),
                    Importance.MEDIUM, "How long after its end a node window still takes events.")
            .define(NODE_SILENCE, Type.LONG, TopologyConfig.DEFAULT_NODE_SILENCE.toMillis(), Range.atLeast(0),
                    Importance.MEDIUM, "How far (event time) a node may fall behind the others of its partition or"
                            + " cohort, e.g. resending its spool after an outage, before its windows close without"
                            + " it: set it above the longest outage to ride out.")
            .define(COHORT_WINDOW, Type.LONG, TopologyConfig.DEFAULT_COHORT_WINDOW.toMillis(), Range.atLeast(1),
                    Importance.MEDIUM, "Cohort window size (a whole number of node windows).")
            .define(COHORT_GRACE, Type.LONG, TopologyConfig.DEFAULT_COHORT_GRACE.toMillis(), Range.atLeast(0),
                    Importance.MEDIUM, "How long after its end a cohort window still takes inputs.")
            .define(COHORT_PROVISIONAL, Type.LONG, TopologyConfig.DEFAULT_COHORT_PROVISIONAL.toMillis(),
                    Range.atLeast(0), Importance.LOW, "How often (wall clock) open cohort windows publish"
                            + " provisional figures to /metrics (bridgewatch_provisional_*, dropped when the window"
                            + " closes; never on the result topics or views, never alerted on); 0: none.")
            .define(RESULT_RETENTION, Type.LONG, TopologyConfig.DEFAULT_RESULT_RETENTION.toMillis(),
                    Range.atLeast(1), Importance.MEDIUM, "How long (event time) closed windows stay queryable.")
            .define(BASELINE_FILE, Type.STRING, null, ConfigFile.FILE_PATH, Importance.LOW,
                    "Reference figures (YAML) for cohorts without cc_mode=OFF nodes.")
            .define(ASYNC_REFERENCE_P99, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "p99 host time (us) of pinned async copy calls on reference nodes, e.g. from `analyze` of a"
                            + " reference trace: an async call blocked only past max(20 us, 5x this) (max(50 us, 10x)"
                            + " without GPU times); 0: unknown.")
            .define(STARTUP_TIMEOUT, Type.LONG, Duration.ofSeconds(30).toMillis(), Range.atLeast(1),
                    Importance.LOW,
                    "How long to wait for the Kafka cluster, and for its topics when not provisioning them, at start.")
            .define(QUERY_MAX_ROWS, Type.INT, SqlLimits.DEFAULT_MAX_ROWS, Range.atLeast(1), Importance.MEDIUM,
                    "Rows a SQL answer may have; a query that would return more is refused (413).")
            .define(QUERY_MAX_SCANNED, Type.LONG, SqlLimits.DEFAULT_MAX_SCANNED_RECORDS, Range.atLeast(1),
                    Importance.MEDIUM, "Records a SQL query may read from stores and topics (413 beyond).")
            .define(QUERY_TIMEOUT, Type.LONG, SqlLimits.DEFAULT_TIMEOUT.toMillis(), Range.atLeast(1),
                    Importance.MEDIUM, "How long a SQL pull query may run (408 beyond).")
            .define(QUERY_PUSH_MAX, Type.INT, SqlSettings.DEFAULT_MAX_PUSH_QUERIES, Range.atLeast(0),
                    Importance.LOW, "Push queries (EMIT CHANGES) this instance serves at once (429 beyond).")
            .define(QUERY_PUSH_QUEUE, Type.INT, SqlSettings.DEFAULT_PUSH_QUEUE_ROWS, Range.atLeast(1),
                    Importance.LOW, "Rows a push query may have waiting for a slow client before it is ended."));

    /** Loads the file (null: defaults and environment only), then the environment's overrides. */
    public static StreamsServiceConfig load(Path file, Map<String, String> environment) {
        ConfigFile.Loaded loaded = ConfigFile.load(file, DEFINITION, List.of(KAFKA_PREFIX), environment);
        String baselineFile = (String) loaded.get(BASELINE_FILE);
        TopologyConfig topology = new TopologyConfig(millis(loaded, NODE_WINDOW), millis(loaded, NODE_GRACE),
                millis(loaded, COHORT_WINDOW), millis(loaded, COHORT_GRACE), TopologyConfig.DEFAULT_REORDER_SLACK,
                Duration.ofNanos(1_000L * (Long) loaded.get(ASYNC_REFERENCE_P99)), TopologyConfig.DEFAULT_PHASE_GAP,
                baselineFile == null ? ReferenceBaseline.NONE : ReferenceBaseline.load(Path.of(baselineFile)),
                TopologyConfig.DEFAULT_REGRESSION_THRESHOLD, TopologyConfig.DEFAULT_REGRESSION_HALF_LIFE,
                millis(loaded, RESULT_RETENTION), millis(loaded, NODE_SILENCE), millis(loaded, COHORT_PROVISIONAL));
        StreamsAppConfig app = new StreamsAppConfig((String) loaded.get(BOOTSTRAP_SERVERS),
                (String) loaded.get(APPLICATION_ID), Path.of((String) loaded.get(STATE_DIR)),
                (Integer) loaded.get(THREADS), topology);
        return new StreamsServiceConfig(app, (Integer) loaded.get(STANDBYS), (String) loaded.get(HTTP_HOST),
                (Integer) loaded.get(HTTP_PORT), (String) loaded.get(APPLICATION_SERVER),
                (String) loaded.get(METRICS_HOST), (Integer) loaded.get(METRICS_PORT),
                (Boolean) loaded.get(TOPICS_PROVISION), (Integer) loaded.get(TOPICS_PARTITIONS),
                (Integer) loaded.get(TOPICS_REPLICATION), millis(loaded, METRICS_STALE_AFTER),
                millis(loaded, STARTUP_TIMEOUT), new SqlSettings(new SqlLimits((Integer) loaded.get(QUERY_MAX_ROWS),
                        (Long) loaded.get(QUERY_MAX_SCANNED), millis(loaded, QUERY_TIMEOUT)),
                        (Integer) loaded.get(QUERY_PUSH_MAX), (Integer) loaded.get(QUERY_PUSH_QUEUE)),
                loaded.under(KAFKA_PREFIX), httpAccess(loaded),
                MetricsAccessKeys.tokenFile(loaded), MetricsAccessKeys.tls(loaded));
    }

    private static HttpAccess httpAccess(ConfigFile.Loaded loaded) {
        String token = (String) loaded.get(HTTP_TOKEN_FILE);
        return new HttpAccess(store(loaded, HTTP_TLS_KEYSTORE, HTTP_TLS_KEYSTORE_PASSWORD),
                store(loaded, HTTP_TLS_TRUSTSTORE, HTTP_TLS_TRUSTSTORE_PASSWORD),
                Optional.ofNullable(token).map(file -> BearerToken.fromFile(Path.of(file))));
    }

    private static Optional<HttpAccess.Store> store(ConfigFile.Loaded loaded, String fileKey, String passwordKey) {
        return Keystore.of(loaded, fileKey, passwordKey).map(k -> new HttpAccess.Store(k.file(), k.password()));
    }

    /**
     * Settings for an instance of a process that composes several (the demo, tests): every key at its default but
     * these, metrics exported through the process's own meter (so no endpoint of its own).
     */
    public static StreamsServiceConfig of(StreamsAppConfig app, int partitions, int standbyReplicas, String httpHost,
            int httpPort) {
        return new StreamsServiceConfig(app, standbyReplicas, httpHost, httpPort, null, "127.0.0.1", 0, true,
                partitions, 0, Duration.ofMinutes(5), Duration.ofSeconds(30), SqlSettings.DEFAULTS, Map.of(),
                HttpAccess.OPEN, Optional.empty(), Optional.empty());
    }

    /** The same settings for another instance of one process (the demo, tests): its own state and ports. */
    public StreamsServiceConfig withInstance(Path stateDir, int httpPort, int metricsPort) {
        StreamsAppConfig instanceApp = new StreamsAppConfig(app.bootstrapServers(), app.applicationId(), stateDir,
                app.threads(), app.topology());
        return new StreamsServiceConfig(instanceApp, standbyReplicas, httpHost, httpPort, null, metricsHost,
                metricsPort, provisionTopics, partitions, replicationFactor, metricsStaleAfter, startupTimeout, sql,
                kafka, httpAccess, metricsTokenFile, metricsTls);
    }

    private static Duration millis(ConfigFile.Loaded loaded, String key) {
        return Duration.ofMillis((Long) loaded.get(key));
    }
}
