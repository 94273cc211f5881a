package io.bridgewatch.launcher;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.NodeInfo;
import java.util.Locale;
import java.util.Optional;

/** Renders the fleet view as a fixed-width table, one row per node. */
final class FleetTable {
    private static final String FORMAT = "%-22s %-4s %-22s %10s %10s %10s %10s %11s %9s%n";

    private FleetTable() {
    }

    static String render(FleetView view, String heading) {
        StringBuilder out = new StringBuilder();
        out.append(heading).append('\n');
        out.append(String.format(Locale.ROOT, FORMAT, "node", "cc", "mitigations", "H2D toll", "D2H toll",
                "H2D bw", "D2H bw", "small p50", "tokens/s"));
        out.append(String.format(Locale.ROOT, FORMAT, "", "", "", "(us)", "(us)", "(GB/s)", "(GB/s)", "(us)", ""));
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
                    view.tokensPerSecond(id).map(v -> String.format(Locale.ROOT, "%.0f", v)).orElse("…")));
        }
        return out.toString();
    }

    private static String micros(Optional<Double> seconds) {
        return seconds.map(s -> String.format(Locale.ROOT, "%.1f", s * 1e6)).orElse("…");
    }

    private static String gigabytes(Optional<Double> bytesPerSecond) {
        return bytesPerSecond.map(b -> String.format(Locale.ROOT, "%.2f", b / 1e9)).orElse("-");
    }
}
