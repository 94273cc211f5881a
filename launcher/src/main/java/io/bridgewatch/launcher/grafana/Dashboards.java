package io.bridgewatch.launcher.grafana;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bridgewatch.streams.export.MetricNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Grafana dashboards, generated from this one source: {@code grafana/dashboards/*.json} are its output
 * (regenerate with {@code main}, a test checks they are current). Queries use the provisioned Prometheus data
 * source and the template variables cohort, node and gpu.
 */
public final class Dashboards {
    public static final String DATASOURCE_UID = "prometheus";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String NODE = "node=~\"$node\",gpu=~\"$gpu\"";
    private static final String COHORT = "cohort=~\"$cohort\"";

    private Dashboards() {
    }

    /** Writes every dashboard to {@code <dir>/<uid>.json} (default: grafana/dashboards). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "grafana/dashboards");
        Files.createDirectories(dir);
        for (ObjectNode dashboard : all()) {
            Files.writeString(dir.resolve(dashboard.get("uid").asText() + ".json"), render(dashboard));
        }
    }

    public static String render(ObjectNode dashboard) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(dashboard) + "\n";
    }

    public static List<ObjectNode> all() {
        return List.of(fleetOverview(), nodeDrillDown(), mitigations(), pipelineHealth());
    }

    static ObjectNode fleetOverview() {
        Layout l = new Layout();
        return dashboard("bridgewatch-fleet", "Bridgewatch · Fleet overview", List.of("cohort"),
                l.timeseries("Throughput gap by cohort and variant", "percentunit",
                        cohortTargets("bridgewatch_throughput_gap_ratio", COHORT + ",cc_mode!=\"OFF\"",
                                "{{cohort}} {{variant}}")),
                l.timeseries("Recovered by mitigation", "percentunit",
                        cohortTargets("bridgewatch_mitigation_recovered_ratio", COHORT, "{{cohort}} {{mitigation}}")),
                l.table("Worst nodes: highest H2D toll", "s",
                        target("topk(10, bridgewatch_bridge_toll_seconds{" + COHORT
                                + ",direction=\"H2D\",host_memory=\"PINNED\"})", "{{node}}")),
                l.timeseries("Small-crossing slowdown against the reference", "x",
                        cohortTargets("bridgewatch_small_crossing_slowdown_ratio", COHORT,
                                "{{cohort}} {{variant}} {{direction}} {{host_memory}}")));
    }

    static ObjectNode nodeDrillDown() {
        Layout l = new Layout();
        return dashboard("bridgewatch-node", "Bridgewatch · Node drill-down", List.of("cohort", "node", "gpu"),
                l.timeseries("Toll per direction", "s",
                        target("bridgewatch_bridge_toll_seconds{" + NODE + "}", "{{node}} {{direction}} {{host_memory}}")),
                l.timeseries("Bandwidth per direction", "Bps",
                        target("bridgewatch_bridge_bandwidth_bytes_per_second{" + NODE + "}",
                                "{{node}} {{direction}} {{host_memory}}")),
                l.timeseries("Crossing cost percentiles", "s",
                        target("bridgewatch_bridge_cost_seconds{" + NODE + "}",
                                "{{node}} {{direction}} {{host_memory}} p{{quantile}}")),
                l.timeseries("Copy concurrency index (1 = serialized)", "none",
                        target("bridgewatch_copy_concurrency_index{" + NODE + "}", "{{node}} context {{context}}")),
                l.timeseries("Bridge occupancy", "percentunit",
                        target("bridgewatch_bridge_occupancy_ratio{" + NODE + "}", "{{node}} context {{context}}")),
                l.timeseries("Async revocation: pinned async copies that blocked their thread", "percentunit",
                        target("bridgewatch_async_blocked_ratio{" + NODE + ",host_memory=\"PINNED\"}",
                                "{{node}} {{direction}}")),
                l.timeseries("Pageable async copies held until done (synchronous by CUDA's rules)", "percentunit",
                        target("bridgewatch_async_blocked_ratio{" + NODE + ",host_memory=\"PAGEABLE\"}",
                                "{{node}} {{direction}}")),
                l.timeseries("Phase durations (KV restore, model load)", "s",
                        target("bridgewatch_phase_duration_seconds{" + NODE + "}", "{{node}} {{phase}}")));
    }

    static ObjectNode mitigations() {
        Layout l = new Layout();
        return dashboard("bridgewatch-mitigations", "Bridgewatch · Mitigations", List.of("cohort"),
                l.timeseries("Tokens per second per node, by variant", "none",
                        cohortTargets("bridgewatch_throughput_tokens_per_second", COHORT, "{{cohort}} {{variant}}")),
                l.timeseries("Residual gap by variant", "percentunit",
                        cohortTargets("bridgewatch_throughput_gap_ratio", COHORT, "{{cohort}} {{variant}}")),
                l.timeseries("Recovered fraction", "percentunit",
                        cohortTargets("bridgewatch_mitigation_recovered_ratio", COHORT, "{{cohort}} {{variant}}")),
                l.timeseries("Phase penalty against the reference", "percentunit",
                        cohortTargets("bridgewatch_phase_penalty_ratio", COHORT, "{{cohort}} {{variant}} {{phase}}")),
                l.timeseries("Concurrency loss", "percentunit",
                        cohortTargets("bridgewatch_concurrency_loss_ratio", COHORT, "{{cohort}} {{variant}}")),
                l.timeseries("Compute parity (1 = native speed)", "none",
                        cohortTargets("bridgewatch_compute_parity_ratio", COHORT, "{{cohort}} {{variant}}")));
    }

    static ObjectNode pipelineHealth() {
        Layout l = new Layout();
        return dashboard("bridgewatch-pipeline", "Bridgewatch · Pipeline health", List.of(),
                l.timeseries("Streams-app input lag", "none", target("bridgewatch_streams_input_lag", "lag")),
                l.timeseries("Late records per second", "none",
                        target("rate(bridgewatch_late_records_total[$__rate_interval])", "{{input}}")),
                l.timeseries("Unreadable records per second", "none",
                        target("rate(bridgewatch_unreadable_records_total[$__rate_interval])", "dead letters")),
                l.timeseries("Collector events sent and dropped per second", "none",
                        target("rate(bridgewatch_collector_events_sent_total[$__rate_interval])", "{{node_id}} sent"),
                        target("rate(bridgewatch_collector_events_dropped_total[$__rate_interval])",
                                "{{node_id}} dropped")),
                l.timeseries("Collector queue depth", "none",
                        target("bridgewatch_collector_queue_depth", "{{node_id}}")));
    }

    /** Places panels two per row, 12 columns by 8 units each. */
    private static final class Layout {
        private int next;

        ObjectNode timeseries(String title, String unit, ObjectNode... targets) {
            return panel("timeseries", title, unit, targets);
        }

        ObjectNode table(String title, String unit, ObjectNode... targets) {
            ObjectNode panel = panel("table", title, unit, targets);
            for (var target : targets) {
                ((ObjectNode) target).put("instant", true).put("range", false).put("format", "table");
            }
            return panel;
        }

        private ObjectNode panel(String type, String title, String unit, ObjectNode... targets) {
            int id = ++next;
            ObjectNode panel = JSON.objectNode().put("id", id).put("type", type).put("title", title);
            panel.set("datasource", datasource());
            panel.set("gridPos", JSON.objectNode().put("x", (id - 1) % 2 * 12).put("y", (id - 1) / 2 * 8)
                    .put("w", 12).put("h", 8));
            ObjectNode defaults = JSON.objectNode().put("unit", unit);
            panel.set("fieldConfig", JSON.objectNode().<ObjectNode>set("defaults", defaults)
                    .set("overrides", JSON.arrayNode().add(provisionalDashed())));
            ArrayNode list = panel.putArray("targets");
            char refId = 'A';
            for (ObjectNode target : targets) {
                list.add(target.put("refId", String.valueOf(refId++)));
            }
            return panel;
        }
    }

    /**
     * A cohort figure: the final figures of closed windows and, dashed, the provisional ones of the window still
     * open (the first a few seconds into it, so that a new fleet shows something before a window closes).
     */
    private static ObjectNode[] cohortTargets(String metric, String selector, String legend) {
        return new ObjectNode[] {target(metric + "{" + selector + "}", legend),
                target(MetricNames.provisional(metric) + "{" + selector + "}", legend + " (provisional)")};
    }

    /** Provisional series (legend ending "(provisional)") drawn dashed. */
    private static ObjectNode provisionalDashed() {
        ObjectNode override = JSON.objectNode();
        override.putObject("matcher").put("id", "byRegexp").put("options", ".*\\(provisional\\)$");
        ObjectNode lineStyle = JSON.objectNode().put("fill", "dash");
        lineStyle.putArray("dash").add(10).add(10);
        override.putArray("properties").addObject().put("id", "custom.lineStyle").set("value", lineStyle);
        return override;
    }

    private static ObjectNode target(String expr, String legend) {
        ObjectNode target = JSON.objectNode();
        target.set("datasource", datasource());
        return target.put("expr", expr).put("legendFormat", legend).put("range", true).put("instant", false)
                .put("editorMode", "code");
    }

    private static ObjectNode datasource() {
        return JSON.objectNode().put("type", "prometheus").put("uid", DATASOURCE_UID);
    }

    private static ObjectNode dashboard(String uid, String title, List<String> variables, ObjectNode... panels) {
        ObjectNode d = JSON.objectNode();
        d.putNull("id");
        d.put("uid", uid).put("title", title).put("timezone", "utc").put("editable", true).put("graphTooltip", 1)
                .put("refresh", "10s").put("schemaVersion", 39).put("version", 1);
        d.putArray("tags").add("bridgewatch");
        d.set("time", JSON.objectNode().put("from", "now-1h").put("to", "now"));
        ArrayNode templating = d.putObject("templating").putArray("list");
        for (String variable : variables) {
            templating.add(variable(variable));
        }
        ArrayNode list = d.putArray("panels");
        for (ObjectNode panel : panels) {
            list.add(panel);
        }
        d.putObject("annotations").putArray("list");
        return d;
    }

    private static ObjectNode variable(String name) {
        String query = switch (name) {
            case "cohort" -> "label_values(bridgewatch_bridge_toll_seconds, cohort)";
            case "node" -> "label_values(bridgewatch_bridge_toll_seconds{cohort=~\"$cohort\"}, node)";
            case "gpu" -> "label_values(bridgewatch_bridge_toll_seconds{node=~\"$node\"}, gpu)";
            default -> throw new IllegalArgumentException("no template variable " + name);
        };
        ObjectNode v = JSON.objectNode().put("type", "query").put("name", name).put("label", name)
                .put("definition", query).put("refresh", 2).put("includeAll", true).put("multi", true)
                .put("allValue", ".*");
        v.set("datasource", datasource());
        v.set("query", JSON.objectNode().put("query", query).put("refId", "StandardVariableQuery"));
        v.set("current", JSON.objectNode().put("text", "All").put("value", "$__all"));
        return v;
    }
}
