package io.bridgewatch.streams.cohort;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reference figures per cohort from a file, for fleets (or cohorts) without live {@code cc_mode=OFF} nodes
 * (DESIGN 4). The file is YAML (or JSON); its fields are named as in the reference row of CohortComparison, so a
 * reference row read from the mitigation topic is a valid entry:
 *
 * <pre>
 * cohorts:
 *   - cohort: "NVIDIA H200|580|VLLM|0.14.1|Qwen3-27B-FP8|c32"
 *     tokens_per_s: 2150.0
 *     inter_token_latency_mean_s: 0.0149
 *     small_crossing_cost_p50_s: {"H2D|PINNED": 1.6e-5, "D2H|PINNED": 1.7e-5}
 *     copy_concurrency_index: 1.0
 *     phase_duration_median_s: {KV_RESTORE: 0.0234, MODEL_LOAD: 0.095}
 *     kernel_duration_p50_s: {"graph 1032": 0.0172}
 * </pre>
 *
 * Every figure is optional; a missing one leaves the ratios that need it empty, with the reason.
 */
public final class ReferenceBaseline {
    public static final ReferenceBaseline NONE = new ReferenceBaseline(Map.of());

    /** One cohort's reference figures. */
    public record Entry(String cohort, Double tokensPerS, Double interTokenLatencyMeanS,
            Map<String, Double> smallCrossingCostP50S, Double copyConcurrencyIndex,
            Map<String, Double> phaseDurationMedianS, Map<String, Double> kernelDurationP50S) {
        public Entry {
            if (cohort == null || cohort.isBlank()) {
                throw new IllegalArgumentException("every baseline entry needs its cohort");
            }
            smallCrossingCostP50S = smallCrossingCostP50S == null ? Map.of() : Map.copyOf(smallCrossingCostP50S);
            phaseDurationMedianS = phaseDurationMedianS == null ? Map.of() : Map.copyOf(phaseDurationMedianS);
            kernelDurationP50S = kernelDurationP50S == null ? Map.of() : Map.copyOf(kernelDurationP50S);
        }

        VariantFigures figures() {
            return new VariantFigures(tokensPerS, interTokenLatencyMeanS, smallCrossingCostP50S,
                    copyConcurrencyIndex, phaseDurationMedianS);
        }
    }

    private record File(List<Entry> cohorts) {
    }

    private final Map<String, Entry> byCohort;

    private ReferenceBaseline(Map<String, Entry> byCohort) {
        this.byCohort = byCohort;
    }

    public static ReferenceBaseline of(List<Entry> entries) {
        Map<String, Entry> byCohort = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (byCohort.put(entry.cohort(), entry) != null) {
                throw new IllegalArgumentException("cohort '" + entry.cohort() + "' appears twice in the baseline");
            }
        }
        return new ReferenceBaseline(Map.copyOf(byCohort));
    }

    /** Reads a baseline file; errors name the file, line and column, and the field. */
    public static ReferenceBaseline load(Path path) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            File file = mapper.readValue(Files.readString(path), File.class);
            if (file == null || file.cohorts() == null) {
                throw new IllegalArgumentException(path + ": a baseline file lists its entries under 'cohorts:'");
            }
            return of(file.cohorts());
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr() + ":"
                    + e.getLocation().getColumnNr();
            String field = e instanceof JsonMappingException m ? fieldPath(m) : "";
            throw new IllegalArgumentException(path + where + ": " + field + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read baseline " + path, e);
        }
    }

    /** 'cohorts[0].tokens_per_s: ' for the field the error is about. */
    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "" : path + ": ";
    }

    public Optional<Entry> of(String cohort) {
        return Optional.ofNullable(byCohort.get(cohort));
    }
}
