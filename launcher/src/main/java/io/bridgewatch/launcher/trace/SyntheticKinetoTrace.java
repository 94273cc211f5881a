package io.bridgewatch.launcher.trace;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a Kineto trace of a synthetic decode loop, of any length, streaming: per step a {@code decode_step}
 * annotation, an H2D copy from pinned memory, some kernels, and a D2H copy to pageable memory, each a
 * {@code cuda_runtime} call plus its GPU activity, laid out the way the profiler writes them. A copy's GPU time is
 * its toll plus bytes over bandwidth; the host call of a D2H copy lasts until the copy is done (it synchronizes).
 * For benchmarks (multi-gigabyte traces) and for tests that need a trace with known figures.
 *
 * @param steps decode steps
 * @param kernelsPerStep kernels launched per step
 * @param copyBytes bytes of each copy
 * @param tollMicros fixed cost of each copy on the GPU
 * @param bandwidthBytesPerMicro copy bandwidth
 * @param kernelMicros GPU duration of each kernel
 */
public record SyntheticKinetoTrace(long steps, int kernelsPerStep, long copyBytes, double tollMicros,
        double bandwidthBytesPerMicro, double kernelMicros) {
    private static final long BASE_NS = 1_790_000_000_000_000_000L;
    private static final double LAUNCH_MICROS = 4;

    /** Writes the trace, gzipped when the name ends in {@code .gz}; returns the file's size. */
    public long write(Path file) throws IOException {
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
                JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeNumberField("schemaVersion", 1);
            json.writeArrayFieldStart("deviceProperties");
            json.writeStartObject();
            json.writeNumberField("id", 0);
            json.writeStringField("name", "Synthetic GPU");
            json.writeEndObject();
            json.writeEndArray();
            json.writeNumberField("cuda_driver_version", 13000);
            json.writeNumberField("baseTimeNanoseconds", BASE_NS);
            json.writeArrayFieldStart("traceEvents");
            double t = 0;
            long correlation = 1;
            for (long step = 0; step < steps; step++) {
                double stepStart = t;
                double stepMicros = 2 * (copyMicros() + LAUNCH_MICROS + 2) + kernelsPerStep * (kernelMicros + 2);
                complete(json, "user_annotation", "decode_step", 1, 1, stepStart, stepMicros, -1);
                t = copy(json, "HtoD", "Pinned -> Device", correlation++, t, false);
                for (int k = 0; k < kernelsPerStep; k++) {
                    complete(json, "cuda_runtime", "cudaLaunchKernel", 1, 1, t, LAUNCH_MICROS, correlation);
                    json.writeStartObject();
                    header(json, "kernel", "synthetic_kernel_" + k, 0, 7, t + LAUNCH_MICROS, kernelMicros);
                    json.writeObjectFieldStart("args");
                    gpuArgs(json, correlation++);
                    json.writeArrayFieldStart("grid");
                    json.writeNumber(132);
                    json.writeNumber(1);
                    json.writeNumber(1);
                    json.writeEndArray();
                    json.writeArrayFieldStart("block");
                    json.writeNumber(256);
                    json.writeNumber(1);
                    json.writeNumber(1);
                    json.writeEndArray();
                    json.writeEndObject();
                    json.writeEndObject();
                    t += LAUNCH_MICROS + kernelMicros + 2;
                }
                t = copy(json, "DtoH", "Device -> Pageable", correlation++, t, true);
                t = Math.max(t, stepStart + stepMicros);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return Files.size(file);
    }

    /** Events per step: two copies and the kernels (what the reader emits). */
    public long events() {
        return steps * (2 + kernelsPerStep);
    }

    private double copyMicros() {
        return tollMicros + copyBytes / bandwidthBytesPerMicro;
    }

    private double copy(JsonGenerator json, String kind, String memories, long correlation, double t,
            boolean synchronous) throws IOException {
        double gpuStart = t + 2;
        double hostMicros = synchronous ? 2 + copyMicros() + 1 : LAUNCH_MICROS;
        complete(json, "cuda_runtime", "cudaMemcpyAsync", 1, 1, t, hostMicros, correlation);
        json.writeStartObject();
        header(json, "gpu_memcpy", "Memcpy " + kind + " (" + memories + ")", 0, 7, gpuStart, copyMicros());
        json.writeObjectFieldStart("args");
        gpuArgs(json, correlation);
        json.writeNumberField("bytes", copyBytes);
        json.writeEndObject();
        json.writeEndObject();
        return Math.max(t + hostMicros, gpuStart + copyMicros()) + 1;
    }

    private static void complete(JsonGenerator json, String cat, String name, int pid, int tid, double ts,
            double dur, long correlation) throws IOException {
        json.writeStartObject();
        header(json, cat, name, pid, tid, ts, dur);
        if (correlation >= 0) {
            json.writeObjectFieldStart("args");
            json.writeNumberField("correlation", correlation);
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void header(JsonGenerator json, String cat, String name, int pid, int tid, double ts, double dur)
            throws IOException {
        json.writeStringField("ph", "X");
        json.writeStringField("cat", cat);
        json.writeStringField("name", name);
        json.writeNumberField("pid", pid);
        json.writeNumberField("tid", tid);
        json.writeNumberField("ts", Math.round(ts * 1000) / 1000.0);
        json.writeNumberField("dur", Math.round(dur * 1000) / 1000.0);
    }

    private static void gpuArgs(JsonGenerator json, long correlation) throws IOException {
        json.writeNumberField("device", 0);
        json.writeNumberField("context", 1);
        json.writeNumberField("stream", 7);
        json.writeNumberField("correlation", correlation);
    }
}
