package io.bridgewatch.streams.cohort;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.NodeInfo;
import java.util.List;
import java.util.Locale;

/**
 * What makes nodes comparable (DESIGN 4): the cohort (GPU SKU, driver major, engine, engine version, model,
 * concurrency bucket) and, inside it, the variant (CC mode plus mitigations). The reference of a cohort is its
 * variant with CC off.
 */
public final class Cohorts {
    public static final String REFERENCE = "reference";

    private Cohorts() {
    }

    public static String key(NodeInfo node) {
        return String.join("|", node.getGpuSku(), driverMajor(node.getDriverVersion()), node.getEngine().name(),
                node.getEngineVersion(), node.getModel(), concurrencyBucket(node.getMaxConcurrency()));
    }

    /** 'reference', or the CC mode ('cc', 'devtools') followed by '+mitigation' for each, sorted. */
    public static String variant(NodeInfo node) {
        if (node.getCcMode() == CcMode.OFF) {
            return REFERENCE;
        }
        StringBuilder name = new StringBuilder(node.getCcMode() == CcMode.ON ? "cc" : "devtools");
        mitigations(node).forEach(m -> name.append('+').append(m));
        return name.toString();
    }

    /** The variant with the same CC mode and no mitigation: what a mitigation is measured against. */
    public static String unmitigated(String variant) {
        int plus = variant.indexOf('+');
        return plus < 0 ? variant : variant.substring(0, plus);
    }

    public static List<String> mitigations(NodeInfo node) {
        return node.getMitigations().stream().map(m -> m.toLowerCase(Locale.ROOT)).sorted().distinct().toList();
    }

    /** The driver's major version: '580.159.04' gives '580'. */
    static String driverMajor(String driverVersion) {
        int dot = driverVersion.indexOf('.');
        return dot < 0 ? driverVersion : driverVersion.substring(0, dot);
    }

    /** Concurrency rounded up to a power of two, so that e.g. 24 and 32 share the bucket 'c32'. */
    static String concurrencyBucket(int maxConcurrency) {
        int bucket = Integer.highestOneBit(Math.max(1, maxConcurrency));
        return "c" + (bucket == maxConcurrency ? bucket : bucket << 1);
    }
}
