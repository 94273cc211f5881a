package io.bridgewatch.schema.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the topics that do not exist yet (existing topics are left as the cluster's operators set them), and
 * returns once every partition of every topic has a leader: producing into a partition whose leader is still being
 * elected gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer that retries its first batches then can be stuck in
 * out-of-order-sequence retries until its delivery timeout.
 *
 * <p>A topic the listing missed but the controller already has is not an error: it was created by someone else
 * between the two requests (instances starting together), or the broker that answered the listing had not yet caught
 * up with the controller (a cluster of several brokers right after a creation).
 */
public final class TopicProvisioner {
    private final Admin admin;
    private final short replicationFactor;

    public TopicProvisioner(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /** Creates missing topics and returns the names it created. */
    public List<String> ensure(List<TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = specs.stream()
                    .filter(spec -> !existing.contains(spec.name()))
                    .map(spec -> new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(spec.config()))
                    .toList();
            List<String> created = create(missing);
            awaitLeaders(specs.stream().map(TopicSpec::name).toList());
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create Bridgewatch topics: " + e.getMessage(), e);
        }
    }

    private List<String> create(List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (missing.isEmpty()) {
            return List.of();
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
        List<String> created = new ArrayList<>();
        for (NewTopic topic : missing) {
            try {
                results.get(topic.name()).get(30, TimeUnit.SECONDS);
                created.add(topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }

    private void awaitLeaders(List<String> topics) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                boolean ready = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()
                        .stream().flatMap(d -> d.partitions().stream()).allMatch(p -> p.leader() != null
                                && !p.leader().isEmpty());
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + topics + " still without a leader after 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
