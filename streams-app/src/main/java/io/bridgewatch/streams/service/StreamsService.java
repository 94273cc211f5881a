package io.bridgewatch.streams.service;

import io.bridgewatch.streams.sql.FleetResultPartitions;
import io.bridgewatch.streams.sql.PushQueries;
import io.bridgewatch.streams.sql.SqlEngine;
import io.bridgewatch.streams.sql.SqlHttpHandler;
import java.util.Optional;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bridgewatch.config.StartupException;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.TopicSpec;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.StreamsApp;
import io.bridgewatch.streams.export.PipelineHealthMetrics;
import io.bridgewatch.streams.export.ResultMetrics;
import io.bridgewatch.streams.query.KafkaStreamsViews;
import io.bridgewatch.streams.query.LocalAnswers;
import io.bridgewatch.streams.query.PartitionRouter;
import io.bridgewatch.streams.query.QueryHttpServer;
import io.bridgewatch.streams.query.QueryService;
import io.opentelemetry.api.metrics.Meter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streams-app instance as a service: checks the cluster and its topics, binds the query API, runs the topology
 * with standby replicas, and exports its results and health. The {@code streams} command and the demo both run
 * this class; nothing in the data path exists only for the demo.
 */
public final class StreamsService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsService.class);
    /** The topics of the events it reads. */
    public static final Set<String> INPUT_TOPICS = Set.of(Topics.NODE_EVENTS, Topics.CROSSINGS, Topics.KERNELS,
            Topics.SERVING);
    /** How long a query waits for partition metadata during a rebalance. */
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(10);
    /** How often a start without topic provisioning looks again for topics not there yet. */
    private static final Duration TOPIC_POLL = Duration.ofMillis(500);

    private final StreamsServiceConfig config;
    private final Meter meter;
    private final Clock clock;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaStreams.State finalState;
    private StreamsApp app;
    private HostInfo self;

    public StreamsService(StreamsServiceConfig config, Meter meter, Clock clock) {
        this.config = config;
        this.meter = meter;
        this.clock = clock;
    }

    /**
     * Starts the instance; returns once Kafka Streams has started (its tasks are assigned in the background).
     *
     * @throws StartupException when the cluster cannot be reached, topics are missing, or the port cannot be bound
     */
    public void start() {
        String bootstrap = config.app().bootstrapServers();
        Cluster cluster = prepareTopics(bootstrap);
        QueryHttpServer http;
        try {
            http = new QueryHttpServer(new InetSocketAddress(config.httpHost(), config.httpPort()),
                    config.httpAccess());
        } catch (java.io.UncheckedIOException e) {
            throw new StartupException(StartupException.Reason.PORT, e.getMessage());
        }
        resources.add(0, http);
        self = advertised(http.port());
        Properties overrides = new Properties();
        overrides.putAll(config.kafka());
        overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        overrides.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        overrides.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) cluster.replication());
        app = new StreamsApp(config.app(), overrides);
        app.streams().setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                finalState = now;
                stopped.countDown();
            }
        });
        resources.add(0, app);
        KafkaStreamsViews views = new KafkaStreamsViews(app.streams(), self);
        resources.add(0, new PipelineHealthMetrics(meter, app.streams(), INPUT_TOPICS, instanceName()));
        resources.add(0, new ResultMetrics(meter, views, config.metricsStaleAfter(), clock));
        QueryService queries = new QueryService(new LocalAnswers(views, instanceName()),
                new PartitionRouter(app.streams(), config.app().applicationId(), cluster.partitions()), self,
                ROUTE_TIMEOUT, config.httpAccess());
        Map<String, Object> clients = clientConfig(bootstrap);
        SqlEngine sql = new SqlEngine(new FleetResultPartitions(queries), Optional.of(clients),
                config.sql().pull());
        PushQueries push = new PushQueries(clients, config.sql().pushQueueRows(), config.sql().maxPushQueries());
        resources.add(1, sql);
        resources.add(1, push);
        http.serve(queries, new SqlHttpHandler(sql, push), this::instances,
                () -> app.state().isRunningOrRebalancing());
        app.start();
        LOG.info("streams instance {} started (application {}, state in {})", instanceName(),
                config.app().applicationId(), config.app().stateDir());
    }

    /** The base URL of this instance's query API. */
    public String queryUrl() {
        return config.httpAccess().scheme() + "://" + self.host() + ":" + self.port();
    }

    /** This instance's {@code application.server}. */
    public String instanceName() {
        return self.host() + ":" + self.port();
    }

    /** Records this instance has still to read from the input topics. */
    public long inputLag() {
        return PipelineHealthMetrics.inputLag(app.streams(), INPUT_TOPICS);
    }

    public KafkaStreams streams() {
        return app.streams();
    }

    /** Waits until Kafka Streams stopped by itself; true when it failed (ERROR), false when it was closed. */
    public boolean awaitStopped() throws InterruptedException {
        stopped.await();
        return finalState == KafkaStreams.State.ERROR;
    }

    /** Waits until the instance runs (tasks assigned and restored), or the timeout passes. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (app.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || stopped.getCount() == 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    private HostInfo advertised(int boundPort) {
        String server = config.advertisedServer();
        if (server == null || server.isBlank()) {
            String host = config.httpHost().equals("0.0.0.0") ? localHostName() : config.httpHost();
            return new HostInfo(host, boundPort);
        }
        int colon = server.lastIndexOf(':');
        if (colon <= 0) {
            throw new StartupException(StartupException.Reason.CONFIG, StreamsServiceConfig.APPLICATION_SERVER
                    + " must be host:port, got '" + server + "'");
        }
        try {
            return new HostInfo(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new StartupException(StartupException.Reason.CONFIG, StreamsServiceConfig.APPLICATION_SERVER
                    + " must be host:port, got '" + server + "'");
        }
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** The settings every client of this instance shares: the cluster and its security ({@code kafka.*}). */
    private Map<String, Object> clientConfig(String bootstrap) {
        Map<String, Object> clients = new HashMap<>(config.kafka());
        clients.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return clients;
    }

    /** What start-up learnt of the cluster: the replication of new topics, the partitions of the input topics. */
    private record Cluster(short replication, int partitions) {
    }

    /** Checks the cluster within the startup timeout, creates or checks the topics. */
    private Cluster prepareTopics(String bootstrap) {
        long timeoutMs = config.startupTimeout().toMillis();
        Map<String, Object> adminConfig = clientConfig(bootstrap);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 15_000));
        try (Admin admin = Admin.create(adminConfig)) {
            int brokers;
            try {
                brokers = admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            } catch (TimeoutException | ExecutionException e) {
                throw new StartupException(StartupException.Reason.CLUSTER, "cannot reach Kafka at " + bootstrap
                        + " within " + config.startupTimeout().toSeconds() + " s"
                        + (e instanceof ExecutionException ? ": " + e.getCause().getMessage() : ""));
            }
            short replication = (short) (config.replicationFactor() > 0 ? config.replicationFactor()
                    : Math.min(3, brokers));
            List<TopicSpec> topics = Topics.all(config.partitions());
            if (config.provisionTopics()) {
                List<String> created = new TopicProvisioner(admin, replication).ensure(topics);
                if (!created.isEmpty()) {
                    LOG.info("created topics {}", created);
                }
            } else {
                Set<String> missing = awaitTopics(admin, topics, timeoutMs);
                if (!missing.isEmpty()) {
                    throw new StartupException(StartupException.Reason.CLUSTER, "topics missing on " + bootstrap
                            + " after " + config.startupTimeout().toSeconds() + " s: " + String.join(", ", missing)
                            + " (create them, or set " + StreamsServiceConfig.TOPICS_PROVISION + "=true)");
                }
            }
            int partitions = admin.describeTopics(List.of(Topics.CROSSINGS)).allTopicNames()
                    .get(timeoutMs, TimeUnit.MILLISECONDS).get(Topics.CROSSINGS).partitions().size();
            return new Cluster(replication, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(StartupException.Reason.CLUSTER, "interrupted while checking the cluster");
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            throw new StartupException(StartupException.Reason.CLUSTER, "cannot prepare topics on " + bootstrap
                    + ": " + e.getMessage());
        }
    }

    /**
     * The topics still missing once all exist or the timeout has passed. It waits because topics and ACLs made just
     * before the start (by an operator's job, or another instance) reach a broker's metadata a moment later: until
     * then the listing shows fewer topics, or none to a principal whose grants have not arrived.
     */
    private static Set<String> awaitTopics(Admin admin, List<TopicSpec> topics, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        boolean waited = false;
        while (true) {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            Set<String> missing = new TreeSet<>();
            topics.forEach(t -> {
                if (!existing.contains(t.name())) {
                    missing.add(t.name());
                }
            });
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                return missing;
            }
            if (!waited) {
                LOG.info("waiting up to {} ms for topics {}", timeoutMs, missing);
                waited = true;
            }
            Thread.sleep(TOPIC_POLL.toMillis());
        }
    }

    /** Every instance of the application with the partitions it holds, active and standby. */
    private ObjectNode instances() {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("application_id", config.app().applicationId());
        answer.put("self", instanceName());
        answer.put("state", app.state().name());
        ArrayNode list = answer.putArray("instances");
        for (StreamsMetadata metadata : app.streams().metadataForAllStreamsClients()) {
            ObjectNode instance = list.addObject();
            instance.put("instance", metadata.hostInfo().host() + ":" + metadata.hostInfo().port());
            ArrayNode active = instance.putArray("active");
            metadata.topicPartitions().stream().map(Object::toString).sorted().forEach(active::add);
            ArrayNode standby = instance.putArray("standby");
            metadata.standbyTopicPartitions().stream().map(Object::toString).sorted().forEach(standby::add);
        }
        return answer;
    }

    /** Stops serving queries, closes Kafka Streams cleanly (committing what it processed), stops exporting. */
    @Override
    public synchronized void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("while stopping {}: {}", resource.getClass().getSimpleName(), e.getMessage());
            }
        }
        resources.clear();
    }
}
