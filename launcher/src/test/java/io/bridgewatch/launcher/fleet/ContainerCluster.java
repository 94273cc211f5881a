package io.bridgewatch.launcher.fleet;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * A three-broker KRaft cluster (each node broker and controller) in containers on the host's network: replication 3
 * and {@code min.insync.replicas} 2 by default. A broker can be killed and started again, or paused and resumed.
 */
final class ContainerCluster implements AutoCloseable {
    private final List<GenericContainer<?>> brokers = new ArrayList<>();
    private final String bootstrapServers;

    private ContainerCluster(List<Integer> brokerPorts, List<Integer> controllerPorts) {
        String clusterId = Uuid.randomUuid().toString();
        StringJoiner voters = new StringJoiner(",");
        StringJoiner bootstrap = new StringJoiner(",");
        for (int i = 0; i < brokerPorts.size(); i++) {
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts.get(i));
            bootstrap.add("127.0.0.1:" + brokerPorts.get(i));
        }
        bootstrapServers = bootstrap.toString();
        for (int i = 0; i < brokerPorts.size(); i++) {
            String properties = String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=" + (i + 1),
                    "controller.quorum.voters=" + voters,
                    "listeners=PLAINTEXT://127.0.0.1:" + brokerPorts.get(i) + ",CONTROLLER://127.0.0.1:"
                            + controllerPorts.get(i),
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPorts.get(i),
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=/var/lib/kafka",
                    "default.replication.factor=3",
                    "min.insync.replicas=2",
                    "offsets.topic.replication.factor=3",
                    "transaction.state.log.replication.factor=3",
                    "transaction.state.log.min.isr=2",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    "");
            GenericContainer<?> broker = new GenericContainer<>(KafkaBrokerImage.NAME)
                    .withNetworkMode("host")
                    .withEnv("CLUSTER_ID", clusterId)
                    .withCopyToContainer(Transferable.of(properties), "/etc/kafka/server.properties");
            brokers.add(broker);
        }
    }

    /** Builds the image if needed, starts three brokers and waits until all three answer. */
    static ContainerCluster start() throws IOException, InterruptedException {
        KafkaBrokerImage.ensure();
        List<Integer> brokerPorts = new ArrayList<>();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            brokerPorts.add(freePort());
            controllerPorts.add(freePort());
        }
        ContainerCluster cluster = new ContainerCluster(brokerPorts, controllerPorts);
        cluster.brokers.parallelStream().forEach(GenericContainer::start);
        cluster.awaitBrokers(3, Duration.ofMinutes(3));
        return cluster;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Waits until the cluster reports {@code count} brokers. */
    void awaitBrokers(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers,
                "default.api.timeout.ms", 5_000, "request.timeout.ms", 5_000))) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cluster did not report " + count + " brokers within "
                            + timeout + "; broker 1 said: " + brokers.get(0).getLogs());
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    /** kill -9 of broker {@code index}'s process (its container), its log kept. */
    void kill(int index) {
        docker().killContainerCmd(brokers.get(index).getContainerId()).withSignal("KILL").exec();
    }

    /** Starts a killed broker again. */
    void restart(int index) {
        docker().startContainerCmd(brokers.get(index).getContainerId()).exec();
    }

    /** Freezes broker {@code index}: it holds its connections and answers nothing (a broker cut off). */
    void pause(int index) {
        docker().pauseContainerCmd(brokers.get(index).getContainerId()).exec();
    }

    void resume(int index) {
        docker().unpauseContainerCmd(brokers.get(index).getContainerId()).exec();
    }

    private DockerClient docker() {
        return brokers.get(0).getDockerClient();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        brokers.forEach(GenericContainer::stop);
    }
}
