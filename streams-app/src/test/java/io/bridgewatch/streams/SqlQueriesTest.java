package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
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
import io.bridgewatch.streams.sql.SqlAnswer;
import io.bridgewatch.streams.sql.SqlEngine;
import io.bridgewatch.streams.sql.SqlLimits;
import java.time.Duration;
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
                    long bytes = i % 2 == 0 ? 4096 : 1 << 20;
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
    void shouldRankNodesByTheirHighestHostToDeviceToll() {
        SqlAnswer answer = sql.pull("SELECT node_id, MAX(toll_s) AS toll_s FROM cost WHERE direction = 'H2D'"
                + " AND window_start >= TIMESTAMP '2026-01-01 00:00:00' GROUP BY node_id ORDER BY toll_s DESC"
                + " LIMIT 10");

        List<List<Object>> expected = costs.stream().filter(w -> w.getDirection() == Direction.H2D
                        && w.getTollS() != null)
                .collect(Collectors.groupingBy(w -> w.getNodeId().toString(), Collectors.mapping(
                        BridgeCostWindow::getTollS, Collectors.maxBy(Comparator.naturalOrder()))))
                .entrySet().stream().sorted(Map.Entry.<String, Optional<Double>>comparingByValue(
                        Comparator.comparing(Optional::get)).reversed())
                .map(e -> List.<Object>of(e.getKey(), e.getValue().get())).toList();
        assertThat(expected).hasSize(4);
        assertThat(answer.columns()).extracting(SqlAnswer.Column::name).containsExactly("node_id", "toll_s");
        assertThat(answer.rows()).isEqualTo(expected);
        assertThat(answer.freshness()).allSatisfy(f -> assertThat(f.role()).isEqualTo("ACTIVE"));
    }

    @Test
    void shouldJoinResultsWithNodeFacts() {
        SqlAnswer answer = sql.pull("SELECT n.driver_version, COUNT(DISTINCT c.node_id) AS nodes,"
                + " MAX(c.small_cost_p50_s) AS worst FROM cost c JOIN nodes n ON c.node_id = n.node_id"
                + " WHERE c.small_crossings > 0 GROUP BY n.driver_version ORDER BY n.driver_version");

        Map<String, Double> worst = costs.stream().filter(w -> w.getSmallCrossings() > 0)
                .collect(Collectors.groupingBy(w -> nodes.get(w.getNodeId().toString()).getDriverVersion()
                        .toString(), Collectors.mapping(BridgeCostWindow::getSmallCostP50S,
                        Collectors.reducing(Double.NEGATIVE_INFINITY, Math::max))));
        assertThat(answer.rows()).hasSize(2);
        assertThat(answer.rows().get(0)).containsExactly(OLD_DRIVER, 1L, worst.get(OLD_DRIVER));
        assertThat(answer.rows().get(1)).containsExactly("580.159.04", 3L, worst.get("580.159.04"));
    }

    @Test
    void shouldAnswerRecoveredFractionPerCohortAndVariant() {
        SqlAnswer answer = sql.pull("SELECT cohort, `variant`, AVG(recovered_fraction) AS recovered"
                + " FROM comparisons WHERE recovered_fraction IS NOT NULL GROUP BY cohort, `variant`");

        assertThat(comparisons).isNotEmpty();
        List<List<Object>> expected = comparisons.stream().filter(c -> c.getRecoveredFraction() != null)
                .map(c -> List.<Object>of(c.getCohort().toString(), c.getVariant().toString(),
                        c.getRecoveredFraction())).toList();
        assertThat(expected).isNotEmpty();
        assertThat(answer.rows()).containsExactlyInAnyOrderElementsOf(expected);
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
                .hasMessageContaining("variant is a reserved word in SQL: quote it with backticks, `variant`");
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
}
