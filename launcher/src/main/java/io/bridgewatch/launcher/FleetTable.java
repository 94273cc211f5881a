package io.bridgewatch.launcher;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CohortComparison;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.NodeInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders the fleet view as fixed-width tables: one row per node, then one per (cohort, variant). */
final class FleetTable {
    private static final String FORMAT = "%-22s %-4s %-22s %10s %10s %10s %10s %11s %9s %9s%n";
    private static final String COHORT_FORMAT = "%-24s %-26s %9s %7s %10s %8s %10s %11s %10s %8s%n";

    private FleetTable() {
    }

    static String render(FleetView view, String heading) {
        StringBuilder out = new StringBuilder();
        out.append(heading).append('\n');
        out.append(String.format(Locale.ROOT, FORMAT, "node", "cc", "mitigations", "H2D toll", "D2H toll",
                "H2D bw", "D2H bw", "small p50", "async", "tokens/s"));
        out.append(String.format(Locale.ROOT, FORMAT, "", "", "", "(us)", "(us)", "(GB/s)", "(GB/s)", "(us)",
                "blocked", ""));
        for (NodeInfo node : view.nodes()) {
            String id = node.getNodeId();
            Optional<BridgeCostWindow> h2d = view.latestCost(id, Direction.H2D, HostMemoryKind.PINNED);
            Optional<BridgeCostWindow> d2h = view.latestCost(id, Direction.D2H, HostMemoryKind.PINNED)
                    .or(() -> view.latestCost(id, Direction.D2H, HostMemoryKind.PAGEABLE));
            out.append(String.format(Locale.ROOT, FORMAT, id, node.getCcMode(),
                    node.getMitigations().isEmpty() ? "-" : String.join(",", node.getMitigations()),
                    micros(h2d.map(BridgeCostWindow::getTollS)),
                    micros(d2h.map(BridgeCostWindow::getTollS)),
                    gigabytes(h2d.map(BridgeCostWindow::getBandwidthBytesPerS)),
                    gigabytes(d2h.map(BridgeCostWindow::getBandwidthBytesPerS)),
                    micros(h2d.map(BridgeCostWindow::getSmallCostP50S)),
                    percent(h2d.map(BridgeCostWindow::getAsyncBlockedFraction)),
                    view.tokensPerSecond(id).map(v -> String.format(Locale.ROOT, "%.0f", v)).orElse("…")));
        }
        List<CohortComparison> cohorts = view.cohorts();
        out.append('\n').append("Cohorts (latest closed 60 s window; concurrency bucket and variant against the cohort's"
                + " reference)\n");
        out.append(String.format(Locale.ROOT, COHORT_FORMAT, "cohort", "variant", "tokens/s", "gap", "recovered",
                "ITL x", "small H2D", "concurrency", "KV restore", "compute"));
        out.append(String.format(Locale.ROOT, COHORT_FORMAT, "", "", "", "", "", "", "slowdown", "loss", "penalty",
                "parity"));
        if (cohorts.isEmpty()) {
            out.append("  (none yet: a cohort window closes about 135 s of event time after it starts: 60 s, 60 s grace,"
                    + " and the 15 s a node's window results take)\n");
        }
        for (CohortComparison c : cohorts) {
            out.append(String.format(Locale.ROOT, COHORT_FORMAT, shortCohort(c.getCohort()), c.getVariant(),
                    number(c.getTokensPerS(), "%.0f"), percent(Optional.ofNullable(c.getThroughputGap())),
                    percent(Optional.ofNullable(c.getRecoveredFraction())),
                    number(c.getInterTokenLatencyRatio(), "%.2f"),
                    number(c.getSmallCrossingSlowdown().get("H2D|PINNED"), "%.1fx"),
                    percent(Optional.ofNullable(c.getConcurrencyLoss())),
                    percent(Optional.ofNullable(c.getPhasePenalty().get("KV_RESTORE"))),
                    number(c.getComputeParity(), "%.3f")));
        }
        return out.toString();
    }

    /** The cohort key without the parts every demo node shares: model and concurrency bucket. */
    private static String shortCohort(String cohort) {
        String[] parts = cohort.split("\\|");
        return parts.length >= 6 ? parts[4] + " " + parts[5] : cohort;
    }

    private static String number(Double value, String format) {
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }

    private static String percent(Optional<Double> fraction) {
        return fraction.map(f -> String.format(Locale.ROOT, "%.1f%%", f * 100)).orElse("-");
    }

    private static String micros(Optional<Double> seconds) {
        return seconds.map(s -> String.format(Locale.ROOT, "%.1f", s * 1e6)).orElse("…");
    }

    private static String gigabytes(Optional<Double> bytesPerSecond) {
        return bytesPerSecond.map(b -> String.format(Locale.ROOT, "%.2f", b / 1e9)).orElse("-");
    }
}
