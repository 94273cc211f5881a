package io.bridgewatch.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers from any instance for any partition: locally when this instance is the partition's active host, else
 * forwarded once to the active host (a forwarded request is answered locally or refused, never forwarded again, so
 * there are no loops); when the active host does not answer, from the standby with the least reported lag.
 */
public final class QueryService {
    /** Marks a forwarded request; its value names the instance that forwarded it. */
    public static final String FORWARDED_HEADER = "X-Bridgewatch-Forwarded";
    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final LocalAnswers local;
    private final PartitionRouter router;
    private final HostInfo self;
    private final Duration routeTimeout;
    private final HttpAccess access;
    private final HttpClient http;

    /**
     * @param routeTimeout how long a query waits for partition metadata while the group rebalances
     * @param access how the peers are asked (scheme, trust, token)
     */
    public QueryService(LocalAnswers local, PartitionRouter router, HostInfo self, Duration routeTimeout,
            HttpAccess access) {
        this.local = local;
        this.router = router;
        this.self = self;
        this.routeTimeout = routeTimeout;
        this.access = access;
        this.http = access.client(Duration.ofSeconds(2));
    }

    /** How many partitions each scope has. */
    public int partitions() {
        return router.partitions();
    }

    /** The partition of a key of the scope (waiting out a rebalance up to the route timeout). */
    public int partitionOf(ResultView.Scope scope, String key) {
        return awaitRoute(() -> router.route(scope, key)).partition();
    }

    /**
     * The windows of a key; {@code forwarded} when another instance sent the request here.
     *
     * @throws QueryException with the status to answer
     */
    public ObjectNode windows(ResultView.Scope scope, String key, long fromMs, long toMs, boolean forwarded) {
        PartitionRouter.Route route = awaitRoute(() -> router.route(scope, key));
        String path = "/v1/" + (scope == ResultView.Scope.NODE ? "nodes/" : "cohorts/") + encode(key)
                + "/windows?from=" + fromMs + (toMs == Long.MAX_VALUE ? "" : "&to=" + toMs);
        return read(route, forwarded, scope,
                () -> AnswerJson.of(local.windows(scope, key, route.partition(), fromMs, toMs)),
                host -> remote(host, path),
                answer -> answer.path("freshness").path("offset_lag").asLong(Long.MAX_VALUE),
                (answer, reason) -> {
                    ((ObjectNode) answer.get("freshness")).put("fallback_reason", reason);
                    return answer;
                });
    }

    /**
     * The rows of one partition of a source (of the keys given, if any; windows starting in [fromMs, toMs]).
     *
     * @throws QueryException with the status to answer
     */
    public PartitionRows rows(RowSource source, int partition, Optional<Set<String>> keys, long fromMs, long toMs,
            boolean forwarded) {
        if (partition < 0 || partition >= router.partitions()) {
            throw QueryException.notFound("no partition " + partition + " (there are " + router.partitions() + ")");
        }
        ResultView.Scope scope = source.scope();
        PartitionRouter.Route route = awaitRoute(() -> router.route(scope, partition));
        StringBuilder path = new StringBuilder("/v1/internal/rows/").append(source.label()).append('/')
                .append(partition).append("?from=").append(fromMs).append(toMs == Long.MAX_VALUE ? "" : "&to=" + toMs);
        keys.ifPresent(ks -> ks.forEach(k -> path.append("&key=").append(encode(k))));
        return read(route, forwarded, scope,
                () -> local.rows(source, partition, keys, fromMs, toMs),
                host -> {
                    try {
                        return RowsJson.parse(remote(host, path.toString()), source);
                    } catch (IllegalArgumentException e) {
                        throw new RemoteFailure("unreadable rows: " + e.getMessage());
                    }
                },
                answer -> answer.freshness().offsetLag(),
                PartitionRows::withFallbackReason);
    }

    /**
     * One read routed as this class says: the local answer when this instance is active (or the request was
     * forwarded here), else the active host's, else the least-lagged standby's, marked with why.
     */
    private <T> T read(PartitionRouter.Route route, boolean forwarded, ResultView.Scope scope, Supplier<T> localRead,
            RemoteRead<T> remoteRead, ToLongFunction<T> lag, BiFunction<T, String, T> withFallback) {
        try {
            Optional<HostInfo> active = route.active();
            if (forwarded || active.isPresent() && active.get().equals(self)) {
                return localRead.get();
            }
            String activeFailure;
            if (active.isPresent()) {
                try {
                    return remoteRead.read(active.get());
                } catch (RemoteFailure e) {
                    activeFailure = "active instance " + active.get().host() + ":" + active.get().port()
                            + " did not answer (" + e.getMessage() + ")";
                    LOG.info("partition {}: {}; asking its standbys", route.partition(), activeFailure);
                }
            } else {
                activeFailure = "partition " + route.partition() + " has no active instance (rebalancing)";
            }
            List<T> answers = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            if (local.holds(scope, route.partition())) {
                try {
                    answers.add(localRead.get());
                } catch (InvalidStateStoreException | QueryException e) {
                    failures.add("this instance (" + e.getMessage() + ")");
                }
            }
            for (HostInfo standby : route.standbys()) {
                if (standby.equals(self)) {
                    continue;
                }
                try {
                    answers.add(remoteRead.read(standby));
                } catch (RemoteFailure e) {
                    failures.add(standby.host() + ":" + standby.port() + " (" + e.getMessage() + ")");
                }
            }
            T freshest = answers.stream().min(Comparator.comparingLong(lag)).orElseThrow(
                    () -> QueryException.unavailable(activeFailure + "; no standby answered" + (failures.isEmpty()
                            ? " (none holds partition " + route.partition() + ")"
                            : ": " + String.join(", ", failures))));
            return withFallback.apply(freshest, activeFailure);
        } catch (InvalidStateStoreException e) {
            // A partition moved away while it was read.
            throw QueryException.unavailable("partition " + route.partition() + " is moving between instances ("
                    + e.getMessage() + "); try again");
        }
    }

    private PartitionRouter.Route awaitRoute(Supplier<Optional<PartitionRouter.Route>> lookup) {
        long deadline = System.nanoTime() + routeTimeout.toNanos();
        while (true) {
            Optional<PartitionRouter.Route> route = lookup.get();
            if (route.isPresent()) {
                return route.get();
            }
            if (System.nanoTime() > deadline) {
                throw QueryException.unavailable("the streams instances are rebalancing; no partition metadata"
                        + " after " + routeTimeout.toSeconds() + " s, try again");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw QueryException.unavailable("interrupted");
            }
        }
    }

    /** Asks another instance; its 4xx answers are answers (thrown as such), anything else is a failure. */
    private ObjectNode remote(HostInfo host, String pathAndQuery) throws RemoteFailure {
        URI uri = URI.create(access.scheme() + "://" + host.host() + ":" + host.port() + pathAndQuery);
        HttpRequest request = access.authorize(HttpRequest.newBuilder(uri)).timeout(Duration.ofSeconds(10))
                .header(FORWARDED_HEADER, self.host() + ":" + self.port()).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RemoteFailure(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                    + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteFailure("interrupted");
        }
        JsonNode body;
        try {
            body = MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new RemoteFailure("unreadable answer, HTTP " + response.statusCode());
        }
        int status = response.statusCode();
        if (status >= 400 && status < 500) {
            throw new QueryException(status, body.path("error").asText("HTTP " + status));
        }
        if (status != 200 || !(body instanceof ObjectNode object)) {
            throw new RemoteFailure("HTTP " + status + ": " + body.path("error").asText());
        }
        return object;
    }

    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @FunctionalInterface
    private interface RemoteRead<T> {
        T read(HostInfo host) throws RemoteFailure;
    }

    /** The other instance could not be asked or did not answer usably. */
    private static final class RemoteFailure extends Exception {
        RemoteFailure(String message) {
            super(message);
        }
    }
}
