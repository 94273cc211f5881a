package io.bridgewatch.streams.query;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where results live: a key's partition, and the instances holding a partition's stores, active and standby, from
 * the {@code application.server} metadata every instance shares through the consumer group.
 */
public final class PartitionRouter {
    /** A partition and its hosts; {@code active} is absent while the partition is being (re)assigned. */
    public record Route(int partition, Optional<HostInfo> active, List<HostInfo> standbys) {
    }

    private final KafkaStreams streams;
    private final String applicationId;
    private final int partitions;

    /** @param partitions how many partitions the input topics (and so every result view) have */
    public PartitionRouter(KafkaStreams streams, String applicationId, int partitions) {
        this.streams = streams;
        this.applicationId = applicationId;
        this.partitions = partitions;
    }

    /** How many partitions each scope's stores have. */
    public int partitions() {
        return partitions;
    }

    /** The route of a key of the scope, or empty while the group rebalances and no metadata is available. */
    public Optional<Route> route(ResultView.Scope scope, String key) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(scope.routingStore(), key, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.partition() < 0) {
            return Optional.empty();
        }
        HostInfo active = metadata.activeHost();
        boolean known = active != null && active.port() >= 0 && !active.host().equals("unavailable");
        return Optional.of(new Route(metadata.partition(), known ? Optional.of(active) : Optional.empty(),
                List.copyOf(metadata.standbyHosts())));
    }

    /**
     * The route of a partition of the scope's stores, or empty while no instance reports it (rebalancing). An
     * instance's metadata lists the partitions of all its tasks, so the partition is matched on the topic that
     * feeds the scope's stores.
     */
    public Optional<Route> route(ResultView.Scope scope, int partition) {
        TopicPartition source = new TopicPartition(scope.sourceTopic(applicationId), partition);
        Optional<HostInfo> active = Optional.empty();
        List<HostInfo> standbys = new java.util.ArrayList<>();
        for (StreamsMetadata metadata : streams.streamsMetadataForStore(scope.routingStore())) {
            if (metadata.topicPartitions().contains(source)) {
                active = Optional.of(metadata.hostInfo());
            } else if (metadata.standbyTopicPartitions().contains(source)) {
                standbys.add(metadata.hostInfo());
            }
        }
        return active.isEmpty() && standbys.isEmpty() ? Optional.empty()
                : Optional.of(new Route(partition, active, List.copyOf(standbys)));
    }
}
