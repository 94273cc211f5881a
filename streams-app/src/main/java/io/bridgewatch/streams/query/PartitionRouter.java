package io.bridgewatch.streams.query;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where a key's results live: its partition and the instances holding that partition's stores, active and standby,
 * from the {@code application.server} metadata every instance shares through the consumer group.
 */
public final class PartitionRouter {
    /** A key's partition and its hosts; {@code active} is absent while the partition is being (re)assigned. */
    public record Route(int partition, Optional<HostInfo> active, List<HostInfo> standbys) {
    }

    private final KafkaStreams streams;

    public PartitionRouter(KafkaStreams streams) {
        this.streams = streams;
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
}
