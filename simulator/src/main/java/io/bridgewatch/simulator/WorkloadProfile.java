package io.bridgewatch.simulator;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * One decode step of the serving engine: GPU compute (a CUDA graph), host work (scheduling and input preparation,
 * output processing), and the step's crossings (small H2D inputs, small D2H outputs). Time costs grow linearly
 * with the number of running sequences (the concurrency).
 */
public record WorkloadProfile(
        @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long stepCompute,
        @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long stepComputePerSequence,
        @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long scheduleCpu,
        @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long scheduleCpuPerSequence,
        @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long outputCpu,
        @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long outputCpuPerSequence,
        @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long launchCpu,
        Integer inputCopies,
        @JsonDeserialize(using = UnitDeserializers.Bytes.class) Long inputBytesPerSequence,
        Integer asyncOutputCopies,
        @JsonDeserialize(using = UnitDeserializers.Bytes.class) Long outputBytesPerSequence) {

    /** A dense ~27B model on one H200-class GPU under vLLM V1 (orders of magnitude, not a measurement). */
    public static final WorkloadProfile DEFAULTS = new WorkloadProfile(null, null, null, null, null, null, null,
            null, null, null, null);

    public WorkloadProfile {
        stepCompute = orDefault(stepCompute, 14_000_000L);
        stepComputePerSequence = orDefault(stepComputePerSequence, 100_000L);
        scheduleCpu = orDefault(scheduleCpu, 900_000L);
        scheduleCpuPerSequence = orDefault(scheduleCpuPerSequence, 20_000L);
        outputCpu = orDefault(outputCpu, 300_000L);
        outputCpuPerSequence = orDefault(outputCpuPerSequence, 12_000L);
        launchCpu = orDefault(launchCpu, 20_000L);
        // vLLM V1 copies input ids, positions and slot mapping (plus metadata) per step: a few small H2D copies.
        inputCopies = orDefault(inputCopies, 3);
        inputBytesPerSequence = orDefault(inputBytesPerSequence, 64L);
        // Async scheduling's AsyncOutput copies several small tensors (token ids, counts, logprobs) per step.
        asyncOutputCopies = orDefault(asyncOutputCopies, 3);
        outputBytesPerSequence = orDefault(outputBytesPerSequence, 8L);
        if (stepCompute <= 0 || inputCopies < 1 || asyncOutputCopies < 1) {
            throw new IllegalArgumentException("step_compute must be positive and each step needs at least one "
                    + "input and one output copy");
        }
    }

    public long stepComputeNs(int sequences) {
        return stepCompute + stepComputePerSequence * sequences;
    }

    public long scheduleCpuNs(int sequences) {
        return scheduleCpu + scheduleCpuPerSequence * sequences;
    }

    public long outputCpuNs(int sequences) {
        return outputCpu + outputCpuPerSequence * sequences;
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
