package io.bridgewatch.simulator;

import io.bridgewatch.schema.EngineKind;

/** What every node of a scenario shares unless the node says otherwise. */
public record NodeDefaults(String gpuSku, String driverVersion, String cudaVersion, EngineKind engine,
        String engineVersion, String model, WorkloadProfile workload, PhasePlan phases, Boolean gpuTracing) {
    public static final NodeDefaults DEFAULTS = new NodeDefaults(null, null, null, null, null, null, null, null,
            null);

    public NodeDefaults {
        gpuSku = gpuSku == null ? "NVIDIA H200" : gpuSku;
        driverVersion = driverVersion == null ? "580.159.04" : driverVersion;
        cudaVersion = cudaVersion == null ? "13.0" : cudaVersion;
        engine = engine == null ? EngineKind.VLLM : engine;
        engineVersion = engineVersion == null ? "0.14.1" : engineVersion;
        model = model == null ? "Qwen3-27B-FP8" : model;
        workload = workload == null ? WorkloadProfile.DEFAULTS : workload;
        phases = phases == null ? PhasePlan.DEFAULTS : phases;
        // GPU activity tracing (CUPTI) is on unless said otherwise; production CC nodes run without it.
        gpuTracing = gpuTracing == null ? Boolean.TRUE : gpuTracing;
    }

    /** The same defaults with GPU timestamps on or off (off: host enter/exit only, as under interposition). */
    public NodeDefaults withGpuTracing(boolean tracing) {
        return new NodeDefaults(gpuSku, driverVersion, cudaVersion, engine, engineVersion, model, workload, phases,
                tracing);
    }
}
