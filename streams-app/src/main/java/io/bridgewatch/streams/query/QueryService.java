package io.bridgewatch.streams.query;

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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a node's or a cohort's windows from any instance: locally when this instance is the partition's active
 * host, else forwarded once to the active host (a forwarded request is answered locally or refused, never forwarded
 * again, so there are no loops); when the active host does not answer, from the standby with the least reported lag.
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
    private final HttpClient http;

    /** @param routeTimeout how long a query waits for partition metadata while the group rebalances */
    public QueryService(LocalAnswers local, PartitionRouter router, HostInfo self, Duration routeTimeout) {
        this.local = local;
        this.router = router;
        this.self = self;
        this.routeTimeout = routeTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * The windows of a key; {@code forwarded} when another instance sent the request here.
     *
     * @throws QueryException with the status to answer
     */
    public ObjectNode windows(ResultView.Scope scope, String key, long fromMs, long toMs, boolean forwarded) {
        try {
            return route(scope, key, fromMs, toMs, forwarded);
        } catch (InvalidStateStoreException e) {
            // A partition moved away while it was read.
            throw QueryException.unavailable("the partition of '" + key + "' is moving between instances ("
                    + e.getMessage() + "); try again");
        }
    }

    private ObjectNode route(ResultView.Scope scope, String key, long fromMs, long toMs, boolean forwarded) {
        PartitionRouter.Route route = awaitRoute(scope, key);
        if (forwarded) {
            return AnswerJson.of(local.windows(scope, key, route.partition(), fromMs, toMs));
        }
        Optional<HostInfo> active = route.active();
        if (active.isPresent() && active.get().equals(self)) {
            return AnswerJson.of(local.windows(scope, key, route.partition(), fromMs, toMs));
        }
        String activeFailure;
        if (active.isPresent()) {
            try {
                return remote(active.get(), scope, key, fromMs, toMs);
            } catch (RemoteFailure e) {
                activeFailure = "active instance " + active.get().host() + ":" + active.get().port() + " did not"
                        + " answer (" + e.getMessage() + ")";
                LOG.info("partition {}: {}; asking its standbys", route.partition(), activeFailure);
            }
        } else {
            activeFailure = "partition " + route.partition() + " has no active instance (rebalancing)";
        }
        return fromStandbys(scope, key, route, fromMs, toMs, activeFailure);
    }

    private ObjectNode fromStandbys(ResultView.Scope scope, String key, PartitionRouter.Route route, long fromMs,
            long toMs, String activeFailure) {
        List<ObjectNode> answers = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (local.holds(scope, route.partition())) {
            try {
                answers.add(AnswerJson.of(local.windows(scope, key, route.partition(), fromMs, toMs)));
            } catch (InvalidStateStoreException e) {
                failures.add("this instance (" + e.getMessage() + ")");
            }
        }
        for (HostInfo standby : route.standbys()) {
            if (standby.equals(self)) {
                continue;
            }
            try {
                answers.add(remote(standby, scope, key, fromMs, toMs));
            } catch (RemoteFailure e) {
                failures.add(standby.host() + ":" + standby.port() + " (" + e.getMessage() + ")");
            }
        }
        ObjectNode freshest = answers.stream()
                .min(Comparator.comparingLong(a -> a.path("freshness").path("offset_lag").asLong(Long.MAX_VALUE)))
                .orElseThrow(() -> QueryException.unavailable(activeFailure + "; no standby answered"
                        + (failures.isEmpty() ? " (none holds partition " + route.partition() + ")"
                                : ": " + String.join(", ", failures))));
        ((ObjectNode) freshest.get("freshness")).put("fallback_reason", activeFailure);
        return freshest;
    }

    private PartitionRouter.Route awaitRoute(ResultView.Scope scope, String key) {
        long deadline = System.nanoTime() + routeTimeout.toNanos();
        while (true) {
            Optional<PartitionRouter.Route> route = router.route(scope, key);
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
    private ObjectNode remote(HostInfo host, ResultView.Scope scope, String key, long fromMs, long toMs)
            throws RemoteFailure {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + "/v1/"
                + (scope == ResultView.Scope.NODE ? "nodes/" : "cohorts/") + pathSegment(key) + "/windows?from="
                + fromMs + (toMs == Long.MAX_VALUE ? "" : "&to=" + toMs));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
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
        ObjectNode body;
        try {
            body = (ObjectNode) MAPPER.readTree(response.body());
        } catch (IOException | ClassCastException e) {
            throw new RemoteFailure("unreadable answer, HTTP " + response.statusCode());
        }
        int status = response.statusCode();
        if (status >= 400 && status < 500) {
            throw new QueryException(status, body.path("error").asText("HTTP " + status));
        }
        if (status != 200) {
            throw new RemoteFailure("HTTP " + status + ": " + body.path("error").asText());
        }
        return body;
    }

    private static String pathSegment(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The other instance could not be asked or did not answer usably. */
    private static final class RemoteFailure extends Exception {
        RemoteFailure(String message) {
            super(message);
        }
    }
}
