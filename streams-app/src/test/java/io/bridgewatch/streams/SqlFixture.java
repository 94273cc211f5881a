package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
import static io.bridgewatch.streams.TestEvents.US;
import static io.bridgewatch.streams.TestEvents.copy;
import static io.bridgewatch.streams.TestEvents.node;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.streams.query.LocalAnswers;
import io.bridgewatch.streams.sql.LocalResultPartitions;
import io.bridgewatch.streams.sql.PushQueries;
import io.bridgewatch.streams.sql.SqlEngine;
import io.bridgewatch.streams.sql.SqlHttpHandler;
import io.bridgewatch.streams.sql.SqlLimits;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A SQL handler over a test driver holding one node's twenty copies (node n1, one closed cost window). */
final class SqlFixture implements AutoCloseable {
    final TopologyHarness harness;
    final SqlEngine engine;
    final PushQueries push;
    final SqlHttpHandler handler;

    SqlFixture() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        harness.nodes.pipeInput("n1", node("n1", CcMode.ON));
        for (int i = 0; i < 20; i++) {
            long a = T0 + i * 100 * MS;
            harness.crossings.pipeInput("n1", copy(a, a + 300 * US, a, a + 300 * US, 4096).build());
        }
        harness.advanceStreamTimeTo(T0 + 30 * S);
        DriverViews views = new DriverViews(harness.driver);
        engine = new SqlEngine(new LocalResultPartitions(views, new LocalAnswers(views, "test:1")),
                Optional.empty(), new SqlLimits(5, 1_000, Duration.ofSeconds(10)));
        push = new PushQueries(Map.of("bootstrap.servers", "unused:9092"), 10, 10);
        handler = new SqlHttpHandler(engine, push);
    }

    @Override
    public void close() {
        push.close();
        engine.close();
        harness.close();
    }
}
