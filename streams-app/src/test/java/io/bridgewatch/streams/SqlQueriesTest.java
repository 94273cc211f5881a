package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.US;
import static io.bridgewatch.streams.TestEvents.copy;
import static io.bridgewatch.streams.TestEvents.node;
import static io.bridgewatch.streams.TestEvents.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.query.LocalAnswers;
import io.bridgewatch.streams.query.QueryException;
import io.bridgewatch.streams.sql.LocalResultPartitions;
import io.bridgewatch.streams.sql.PushQueries;
import io.bridgewatch.streams.sql.SqlStatement;
import io.bridgewatch.streams.sql.SqlAnswer;
import io.bridgewatch.streams.sql.SqlEngine;
import io.bridgewatch.streams.sql.SqlLimits;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SQL over the result views of a {@code TopologyTestDriver}: each expected answer is computed here from the
 * records the topology emitted to its output topics, never from the query layer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlQueriesTest {
    /** README: top 10 nodes by host-to-device toll in the last hour. */
    static final String TOP_TOLL = """
            SELECT node_id, AVG(toll_s) * 1e6 AS toll_us, MAX(toll_s) * 1e6 AS worst_toll_us, COUNT(*) AS windows
            FROM cost
            WHERE direction = 'H2D' AND toll_s IS NOT NULL
              AND window_start >= CURRENT_TIMESTAMP - INTERVAL '1' HOUR
            GROUP BY node_id
            ORDER BY toll_us DESC
            LIMIT 10""";
    /** README: recovered fraction by mitigation per cohort. */
    static final String RECOVERED = """
            SELECT cohort, variant_name, AVG(recovered_fraction) AS recovered, COUNT(*) AS windows
            FROM comparisons
            WHERE recovered_fraction IS NOT NULL
              AND window_start >= CURRENT_TIMESTAMP - INTERVAL '1' DAY
            GROUP BY cohort, variant_name
            ORDER BY cohort, recovered DESC""";
    /** README: small-crossing p99 by driver version (a join with the node facts). */
    static final String SMALL_BY_DRIVER = """
            SELECT n.driver_version, COUNT(DISTINCT c.node_id) AS nodes,
                   MAX(c.cost_p99_s) * 1e6 AS small_cost_p99_us, AVG(c.small_cost_p50_s) * 1e6 AS small_cost_p50_us
            FROM cost c JOIN nodes n ON c.node_id = n.node_id
            WHERE c.small_crossings = c.crossings AND c.window_start >= CURRENT_TIMESTAMP - INTERVAL '1' HOUR
            GROUP BY n.driver_version
            ORDER BY small_cost_p99_us DESC""";
    private static final Path REPO = Path.of(System.getProperty("bridgewatch.repo.dir", ".."));
    /** The fleet's first second: half an hour ago (the README's queries look back from now), minute-aligned. */
    private static final long T0 = (System.currentTimeMillis() / 60_000 * 60_000 - 30 * 60_000) * MS;
    private static final String OLD_DRIVER = "575.57.08";
    private TopologyHarness harness;
    private SqlEngine sql;
    private List<BridgeCostWindow> costs;
    private List<CohortComparison> comparisons;
    private Map<String, NodeInfo> nodes;

    @BeforeAll
    void runFleet() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        nodes = Map.of(
                "ref", node("ref", CcMode.OFF),
                "cc", node("cc", CcMode.ON),
                "drain", node("drain", CcMode.ON, "drain-thread"),
                "old", NodeInfo.newBuilder(node("old", CcMode.ON)).setDriverVersion(OLD_DRIVER).build());
        nodes.forEach(harness.nodes::pipeInput);
        Map<String, Long> tollUs = Map.of("ref", 20L, "cc", 300L, "drain", 250L, "old", 420L);
        for (int second = 1; second <= 50; second++) {
            long at = T0 + second * S;
            for (String node : List.of("ref", "cc", "drain", "old")) {
                for (int i = 0; i < 4; i++) {
                    long a = at + i * 100 * MS;
                    long bytes = i == 1 ? 1 << 20 : 4096; // D2H (i = 3) only small copies
                    long cost = tollUs.get(node) * US + bytes / 10_000 + (second % 3) * US;
                    harness.crossings.pipeInput(node, copy(a, a + cost, a, a + cost, bytes).setNodeId(node)
                            .setDirection(i == 3 ? Direction.D2H : Direction.H2D).build());
                }
            }
            harness.serving.pipeInput("ref", serving("ref", at, 100, 0.010));
            harness.serving.pipeInput("cc", serving("cc", at, 80, 0.0125));
            harness.serving.pipeInput("drain", serving("drain", at, 95, 0.0105));
            harness.serving.pipeInput("old", serving("old", at, 70, 0.014));
        }
        harness.serving.pipeInput("cc", serving("cc", T0 + 125 * S, 100, 0.010));
        harness.advanceStreamTimeTo(T0 + 125 * S);
        costs = harness.output(Topics.BRIDGE_COST, BridgeCostWindow.class).readValuesToList().stream()
                .filter(w -> nodes.containsKey(w.getNodeId())).toList();
        comparisons = harness.output(Topics.MITIGATION, CohortComparison.class).readValuesToList();
        sql = new SqlEngine(new LocalResultPartitions(new DriverViews(harness.driver),
                new LocalAnswers(new DriverViews(harness.driver), "test:1")), Optional.empty(),
                new SqlLimits(1_000, 100_000, Duration.ofSeconds(30)));
    }

    @AfterAll
    void stop() {
        sql.close();
        harness.close();
    }

    @Test
    void shouldRankNodesByTheirHostToDeviceTollInTheLastHour() {
        SqlAnswer answer = sql.pull(TOP_TOLL);

        Map<String, List<Double>> tolls = costs.stream().filter(w -> w.getDirection() == Direction.H2D
                        && w.getTollS() != null)
                .collect(Collectors.groupingBy(w -> w.getNodeId().toString(), Collectors.mapping(
                        BridgeCostWindow::getTollS, Collectors.toList())));
        List<List<Object>> expected = tolls.entrySet().stream()
                .map(e -> List.<Object>of(e.getKey(), mean(e.getValue()) * 1e6,
                        e.getValue().stream().mapToDouble(Double::doubleValue).max().orElseThrow() * 1e6,
                        (long) e.getValue().size()))
                .sorted(Comparator.comparing((List<Object> r) -> (Double) r.get(1)).reversed()).limit(10).toList();
        assertThat(expected).hasSize(4);
        assertThat(answer.columns()).extracting(SqlAnswer.Column::name)
                .containsExactly("node_id", "toll_us", "worst_toll_us", "windows");
        assertRowsClose(answer.rows(), expected);
        assertThat(answer.freshness()).allSatisfy(f -> assertThat(f.role()).isEqualTo("ACTIVE"));
    }

    @Test
    void shouldJoinResultsWithNodeFactsForTheSmallCrossingCostByDriver() {
        SqlAnswer answer = sql.pull(SMALL_BY_DRIVER);

        // Windows whose every crossing was small: their cost p99 is the small crossings' p99.
        Map<String, List<BridgeCostWindow>> byDriver = costs.stream()
                .filter(w -> w.getSmallCrossings() == w.getCrossings())
                .collect(Collectors.groupingBy(w -> nodes.get(w.getNodeId().toString()).getDriverVersion()
                        .toString()));
        List<List<Object>> expected = byDriver.entrySet().stream()
                .map(e -> List.<Object>of(e.getKey(), e.getValue().stream().map(w -> w.getNodeId().toString())
                        .distinct().count(), e.getValue().stream().mapToDouble(BridgeCostWindow::getCostP99S).max()
                        .orElseThrow() * 1e6, mean(e.getValue().stream().map(BridgeCostWindow::getSmallCostP50S)
                        .toList()) * 1e6))
                .sorted(Comparator.comparing((List<Object> r) -> (Double) r.get(2)).reversed()).toList();
        assertThat(expected).hasSize(2);
        assertRowsClose(answer.rows(), expected);
    }

    @Test
    void shouldAnswerRecoveredFractionPerCohortAndMitigation() {
        SqlAnswer answer = sql.pull(RECOVERED);

        List<List<Object>> expected = comparisons.stream().filter(c -> c.getRecoveredFraction() != null)
                .collect(Collectors.groupingBy(c -> List.of(c.getCohort().toString(), c.getVariant().toString())))
                .entrySet().stream()
                .map(e -> List.<Object>of(e.getKey().get(0), e.getKey().get(1), mean(e.getValue().stream()
                        .map(CohortComparison::getRecoveredFraction).toList()), (long) e.getValue().size()))
                .sorted(Comparator.comparing((List<Object> r) -> (String) r.get(0))
                        .thenComparing(r -> -(Double) r.get(2))).toList();
        assertThat(expected).as("the drain-thread variant recovers part of the gap").isNotEmpty();
        assertRowsClose(answer.rows(), expected);
    }

    @Test
    void shouldShowTheTestedQueriesInTheReadme() throws Exception {
        String readme = Files.readString(REPO.resolve("README.md")).replaceAll("\\s+", " ");
        for (String query : List.of(TOP_TOLL, RECOVERED, SMALL_BY_DRIVER)) {
            assertThat(readme.contains(query.replaceAll("\\s+", " "))).as("the README shows " + query).isTrue();
        }
    }

    @Test
    void shouldPageWithLimitAndOffset() {
        String query = "SELECT node_id, window_start, direction, form FROM cost ORDER BY node_id, window_start,"
                + " direction, form";
        List<List<Object>> all = sql.pull(query).rows();
        List<List<Object>> page = sql.pull(query + " LIMIT 3 OFFSET 2").rows();

        assertThat(all).hasSize(costs.size());
        assertThat(page).isEqualTo(all.subList(2, 5));
        assertThat(all.get(0).get(1)).isEqualTo(Instant.ofEpochMilli(T0 / MS).toString());
    }

    @Test
    void shouldReadOnlyTheKeysAndWindowsThePredicatesAllow() {
        SqlAnswer one = sql.pull("SELECT COUNT(*) FROM cost WHERE node_id = 'cc' AND window_start_ns >= "
                + (T0 + 20 * S) + " AND window_start_ns < " + (T0 + 30 * S));

        long expected = costs.stream().filter(w -> w.getNodeId().toString().equals("cc")
                && w.getWindowStartNs() >= T0 + 20 * S && w.getWindowStartNs() < T0 + 30 * S).count();
        assertThat(one.rows()).containsExactly(List.of(expected));
        assertThat(one.scannedRecords()).as("only cc's windows starting in [20 s, 30 s] were read")
                .isEqualTo(expected);
    }

    @Test
    void shouldPushDownTimeBoundsComputedFromTheCurrentTime() {
        // A bound 25 s after the first window's start, written relative to now.
        long secondsAgo = (System.currentTimeMillis() - (T0 / MS + 25_000)) / 1000;
        SqlAnswer recent = sql.pull("SELECT COUNT(*) FROM cost WHERE window_start >= CURRENT_TIMESTAMP"
                + " - INTERVAL '" + secondsAgo + "' SECOND");

        long counted = (Long) recent.rows().get(0).get(0);
        assertThat(counted).isPositive().isLessThan(costs.size());
        assertThat(recent.scannedRecords()).as("only windows from 29 minutes ago on were read").isEqualTo(counted);
    }

    @Test
    void shouldRefuseWhatAPushQueryCannotDoBeforeFollowingAnything() {
        try (PushQueries push = new PushQueries(Map.of("bootstrap.servers", "unused:9092"), 10, 10)) {
            assertThatThrownBy(() -> push.subscribe(SqlStatement.parse("SELECT COUNT(*) FROM cost EMIT CHANGES")))
                    .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageContaining("aggregates are for pull queries");
            assertThatThrownBy(() -> push.subscribe(SqlStatement.parse("SELECT c.node_id FROM cost c JOIN nodes n"
                    + " ON c.node_id = n.node_id EMIT CHANGES"))).hasMessageContaining("reads one table");
            assertThatThrownBy(() -> push.subscribe(SqlStatement.parse("SELECT * FROM nodes EMIT CHANGES")))
                    .hasMessageContaining("'nodes' is not one");
            assertThatThrownBy(() -> push.subscribe(SqlStatement.parse("SELECT * FROM alerts ORDER BY ratio"
                    + " EMIT CHANGES"))).hasMessageContaining("ORDER BY and OFFSET are for pull queries");
            assertThatThrownBy(() -> sql.pull("SELECT * FROM alerts EMIT CHANGES"))
                    .hasMessageContaining("EMIT CHANGES makes a push query");
            assertThat(push.subscriptions()).isZero();
        }
    }

    @Test
    void shouldRefuseWritesAndNameSyntaxErrorsByLineAndColumn() {
        assertThatThrownBy(() -> sql.pull("SELECT node_id\nFROM cost WHERE"))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageStartingWith("syntax error at line 2, column");
        assertThatThrownBy(() -> sql.pull("DELETE FROM cost"))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> sql.pull("CREATE TABLE x (a INT)"))
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> sql.pull("SELECT * FROM nowhere"))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("'nowhere' not found");
        assertThatThrownBy(() -> sql.pull("SELECT no_such_column FROM cost"))
                .hasMessageContaining("no_such_column");
        assertThatThrownBy(() -> sql.pull("SELECT variant FROM comparisons"))
                .hasMessageContaining("variant is a reserved word in SQL; the column is named variant_name");
    }

    @Test
    void shouldRefuseAnswersOverTheRowLimit() {
        assertThatThrownBy(() -> sql.pull("SELECT * FROM cost a, cost b"))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessageContaining("more than 1000 rows");
    }

    @Test
    void shouldAnswerTheAsyncView() {
        SqlAnswer answer = sql.pull("SELECT SUM(async_calls) FROM async");

        assertThat(answer.rows()).containsExactly(List.of(costs.stream().mapToLong(
                BridgeCostWindow::getAsyncCalls).sum()));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
    }

    /** Rows equal, floating-point values to 1e-9 relative (sums may be added in another order). */
    private static void assertRowsClose(List<List<Object>> actual, List<List<Object>> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int r = 0; r < expected.size(); r++) {
            List<Object> want = expected.get(r);
            List<Object> got = actual.get(r);
            assertThat(got).as("row " + r).hasSameSizeAs(want);
            for (int c = 0; c < want.size(); c++) {
                if (want.get(c) instanceof Double d) {
                    assertThat(((Number) got.get(c)).doubleValue()).as("row " + r + " column " + c)
                            .isCloseTo(d, within(Math.abs(d) * 1e-9 + 1e-15));
                } else {
                    assertThat(got.get(c)).as("row " + r + " column " + c).isEqualTo(want.get(c));
                }
            }
        }
    }
}
