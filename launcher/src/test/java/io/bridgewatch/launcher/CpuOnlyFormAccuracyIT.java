package io.bridgewatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.CostForm;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same scenario with GPU timestamps stripped (production CC: no CUPTI), host enter/exit only: the same
 * conclusions within issue 3's CPU-only tolerances.
 */
class CpuOnlyFormAccuracyIT extends AnalyticsAccuracyCheck {
    private static Run run;

    @BeforeAll
    static void runPipeline() throws Exception {
        run = run(false);
    }

    @Test
    void shouldComputeEverythingFromHostTimes() {
        assertThat(run.costs()).allSatisfy(w -> assertThat(w.getForm()).isEqualTo(CostForm.CPU_ONLY));
        assertThat(run.concurrency()).allSatisfy(w -> assertThat(w.getForm()).isEqualTo(CostForm.CPU_ONLY));
    }

    @Test
    void shouldSayWhyThereIsNoComputeParityWithoutGpuKernelTimes() {
        cohortWindow(run).values().stream().flatMap(v -> v.values().stream())
                .filter(row -> !row.getVariant().equals("reference"))
                .forEach(row -> {
                    assertThat(row.getComputeParity()).isNull();
                    assertThat(row.getNoRatioReason()).contains("no GPU kernel times");
                });
    }

    @Test
    void shouldReportTollsWithinTenPercent() {
        assertTolls(run, 10);
    }

    @Test
    void shouldReportTheAsyncBlockedFractionWithinTwoPoints() {
        assertAsyncBlocking(run, 0.02);
    }

    @Test
    void shouldReportTheConcurrencyIndexWithinOneTenth() {
        assertConcurrency(run, 0.1);
    }

    @Test
    void shouldRankTheMitigationsAsTheTruthDoes() {
        Map<String, Map<String, CohortComparison>> cohorts = cohortWindow(run);
        assertThat(cohorts).hasSize(3);
        cohorts.forEach((cohort, variants) -> {
            CohortComparison drain = variants.get("cc+drain-thread");
            CohortComparison noAsync = variants.get("cc+no-async-scheduling");
            boolean drainWinsInTruth = trueTokensPerSecond(run, drain) > trueTokensPerSecond(run, noAsync);
            assertThat(drain.getRecoveredFraction() > noAsync.getRecoveredFraction()).as(cohort)
                    .isEqualTo(drainWinsInTruth);
        });
    }
}
