package io.bridgewatch.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (combined KRaft broker and controller) running in this JVM from Kafka's own jars.
 * It is what Bridgewatch uses when no cluster is configured: the same broker code as production, on loopback, with
 * its log in a temporary folder that is deleted on close.
 *
 * <p>{@link #startSecured} starts it as a production cluster should run: clients on SASL_SSL (SCRAM-SHA-512) or
 * mutual TLS (the certificate's CN is the principal), the controller and the broker's own traffic on mutual TLS,
 * and Kafka's StandardAuthorizer denying whatever no ACL allows.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * A secured broker's setup: the authority its certificates come from (the one every client must trust), the
     * broker's own identity (a super user), and the SCRAM users it knows (name to password).
     */
    public record Security(LocalCertificateAuthority authority, LocalCertificateAuthority.Identity broker,
            Map<String, String> scramUsers) {
        public Security {
            scramUsers = Map.copyOf(scramUsers);
        }
    }

    private final Path logDir;
    private final String bootstrapServers;
    private final String mutualTlsBootstrapServers;
    private final Map<String, Object> ownClientSettings;
    private final Properties props;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Path logDir, String bootstrapServers, String mutualTlsBootstrapServers,
            Map<String, Object> ownClientSettings, Properties props, KafkaRaftServer server) {
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.mutualTlsBootstrapServers = mutualTlsBootstrapServers;
        this.ownClientSettings = ownClientSettings;
        this.props = props;
        this.server = server;
    }

    /** Formats storage, starts the broker (PLAINTEXT, no authorization) and returns once it answers. */
    public static EmbeddedKafkaBroker start() {
        Path logDir = createTempDir();
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties props = brokerProperties(logDir, controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        String bootstrap = "127.0.0.1:" + brokerPort;
        return start(logDir, props, Map.of(), bootstrap, null, Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap));
    }

    /**
     * Formats storage with the SCRAM users, starts a secured broker and returns once it answers its own identity.
     * Clients reach it on {@link #bootstrapServers()} (SASL_SSL, SCRAM-SHA-512) or
     * {@link #mutualTlsBootstrapServers()} (mutual TLS); see {@link KafkaClientSecurity} for their settings.
     */
    public static EmbeddedKafkaBroker startSecured(Security security) {
        Path logDir = createTempDir();
        int saslPort = freePort();
        int tlsPort = freePort();
        int controllerPort = freePort();
        Properties props = brokerProperties(logDir, controllerPort);
        props.put("listeners", "SASL_SSL://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + tlsPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + tlsPort);
        props.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:SSL");
        props.put("inter.broker.listener.name", "SSL");
        LocalCertificateAuthority.Identity broker = security.broker();
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.location", broker.keystore().toString());
        props.put("ssl.keystore.password", broker.password());
        props.put("ssl.key.password", broker.password());
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.location", security.authority().truststore().toString());
        props.put("ssl.truststore.password", security.authority().truststorePassword());
        props.put("ssl.client.auth", "required"); // the SSL and CONTROLLER listeners: a certificate or nothing
        props.put("listener.name.sasl_ssl.ssl.client.auth", "none"); // SCRAM clients prove themselves by password
        props.put("sasl.enabled.mechanisms", KafkaClientSecurity.SCRAM_MECHANISM);
        props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)(,.*)?$/$1/,DEFAULT"); // CN=x is User:x
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("allow.everyone.if.no.acl.found", "false");
        props.put("super.users", "User:" + broker.name());
        Map<String, Object> own = new HashMap<>(KafkaClientSecurity.mutualTls(broker, security.authority()));
        String tlsBootstrap = "127.0.0.1:" + tlsPort;
        own.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, tlsBootstrap);
        return start(logDir, props, security.scramUsers(), "127.0.0.1:" + saslPort, tlsBootstrap, own);
    }

    private static EmbeddedKafkaBroker start(Path logDir, Properties props, Map<String, String> scramUsers,
            String bootstrap, String tlsBootstrap, Map<String, Object> ownClientSettings) {
        Instant begin = Instant.now();
        format(props, logDir, scramUsers);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, bootstrap, tlsBootstrap, ownClientSettings,
                props, server);
        try {
            broker.awaitReady();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("Embedded Kafka broker ready at {} in {} ms", broker.bootstrapServers,
                Duration.between(begin, Instant.now()).toMillis());
        return broker;
    }

    /** The {@code bootstrap.servers} value for clients of this broker (secured: its SASL_SSL listener). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A secured broker's mutual-TLS listener; null for a PLAINTEXT broker. */
    public String mutualTlsBootstrapServers() {
        return mutualTlsBootstrapServers;
    }

    /**
     * Stops the broker as an outage would (clients lose it; its log stays), until {@link #restart}. For fault tests.
     */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the stopped broker again on the same ports and log; returns once it answers. */
    public synchronized void restart() {
        if (server != null) {
            return;
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        awaitReady();
        LOG.info("Embedded Kafka broker back at {}", bootstrapServers);
    }

    @Override
    public synchronized void close() {
        stop();
        deleteRecursively(logDir);
    }

    private void awaitReady() {
        try (Admin admin = Admin.create(ownClientSettings)) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("embedded Kafka broker did not become ready within " + READY_TIMEOUT, e);
        }
    }

    /** What every embedded broker has; the listeners and their security come on top. */
    private static Properties brokerProperties(Path logDir, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("log.dirs", logDir.toString());
        // A single node cannot hold three replicas of the internal topics: without these, groups never form.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        return p;
    }

    private static void format(Properties props, Path logDir, Map<String, String> scramUsers) {
        Path configFile = logDir.resolveSibling(logDir.getFileName() + ".properties");
        try (Writer writer = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            props.store(writer, "Bridgewatch embedded broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write broker config " + configFile, e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        List<String> arguments = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
                configFile.toString()));
        scramUsers.forEach((user, password) -> arguments.addAll(List.of("--add-scram",
                KafkaClientSecurity.SCRAM_MECHANISM + "=[name=" + user + ",password=" + password + "]")));
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(arguments.toArray(String[]::new), print);
        } finally {
            deleteRecursively(configFile);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the embedded broker's storage failed (rc=" + rc + "): "
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("bridgewatch-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded broker's log folder", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the embedded broker", e);
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", path, e.getMessage());
        }
    }
}
