package io.bridgewatch.schema.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * Provisioning on a real broker when others provision too: instances of the streams-app started together (and a
 * cluster whose brokers lag the controller) list a topic as missing that exists by the time they create it.
 */
class TopicProvisionerIT {
    private static final int PROVISIONERS = 6;

    @Test
    void shouldCreateEveryTopicOnceWhenSeveralProvisionAtTheSameTime() throws Exception {
        List<TopicSpec> specs = Topics.all(2);
        ExecutorService pool = Executors.newFixedThreadPool(PROVISIONERS);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int round = 0; round < 3; round++) {
                List<TopicSpec> roundSpecs = specs.stream().map(s -> new TopicSpec("r" + s.name(), s.partitions(),
                        s.config())).toList();
                CyclicBarrier together = new CyclicBarrier(PROVISIONERS);
                List<Future<List<String>>> runs = new ArrayList<>();
                for (int i = 0; i < PROVISIONERS; i++) {
                    runs.add(pool.submit(() -> {
                        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                            admin.listTopics().names().get(); // connected before the race starts
                            together.await();
                            return new TopicProvisioner(admin, (short) 1).ensure(roundSpecs);
                        }
                    }));
                }
                List<String> created = new ArrayList<>();
                for (Future<List<String>> run : runs) {
                    created.addAll(run.get());
                }
                assertThat(created).as("round %d: each topic created by exactly one provisioner", round)
                        .containsExactlyInAnyOrderElementsOf(roundSpecs.stream().map(TopicSpec::name).toList());
                specs = roundSpecs;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldLeaveExistingTopicsAndReportOnlyTheOnesItCreated() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<TopicSpec> specs = Topics.all(1);
            TopicProvisioner provisioner = new TopicProvisioner(admin, (short) 1);
            assertThat(provisioner.ensure(specs.subList(0, 2))).hasSize(2);
            assertThat(provisioner.ensure(specs)).containsExactlyElementsOf(
                    specs.subList(2, specs.size()).stream().map(TopicSpec::name).toList());
            assertThat(provisioner.ensure(specs)).isEmpty();
        }
    }
}
