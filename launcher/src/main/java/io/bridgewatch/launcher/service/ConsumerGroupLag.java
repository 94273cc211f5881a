package io.bridgewatch.launcher.service;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records of some topics a consumer group (a streams application: its id is its group) has still to
 * read, from the cluster's view: end offsets minus the group's committed offsets. For pacing a replay by a pipeline
 * that runs in other processes.
 */
public final class ConsumerGroupLag implements LongSupplier, AutoCloseable {
    private final Admin admin;
    private final String group;
    private final Set<String> topics;

    public ConsumerGroupLag(String bootstrapServers, String group, Set<String> topics) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.group = group;
        this.topics = Set.copyOf(topics);
    }

    /** The lag, or 0 when it cannot be read now (pacing must never stop a replay for good). */
    @Override
    public long getAsLong() {
        try {
            return lag();
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The lag; fails when the group, its topics or their offsets cannot be read. */
    public long lag() throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        Collection<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames()
                .get(5, TimeUnit.SECONDS).values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .toList();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get(5, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata at = committed.get(partition);
            lag += Math.max(0, ends.get(partition).offset() - (at == null ? 0 : at.offset()));
        }
        return lag;
    }

    @Override
    public void close() {
        admin.close();
    }
}
