package io.bridgewatch.collector.trace;

import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nsys cannot run on these machines, so the export is built here from the documented schema (FORMATS.md section 3:
 * export schema 3.16.1 of nsys 2024.6.2): the tables and columns the reader uses, the enum tables with their own
 * numbering (not CUPTI's), and rows of two processes whose correlation ids collide.
 */
class NsightTraceReaderTest {
    private static final long SESSION_START_NS = 1_790_000_000_000_000_000L;
    /** Serialized global ids: pid in bits 24-47, tid in bits 0-23. */
    private static final long PROCESS_A = 4242L << 24;
    private static final long PROCESS_B = 4343L << 24;

    @Test
    void shouldJoinCopiesMemsetsAndKernelsToTheirApiCallsWithinTheirProcess(@TempDir Path dir) throws Exception {
        Path db = export(dir);
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new NsightTraceReader("nsys-node").read(db, capture, TraceProgress.NONE);

        assertThat(summary.crossings()).as("three joined, one seen only on the GPU").isEqualTo(4);
        assertThat(summary.kernels()).isEqualTo(1);
        assertThat(summary.memsets()).isEqualTo(1);
        assertThat(summary.unmatchedGpuActivities()).as("the copy whose API call is not in the export").isEqualTo(1);
        assertThat(summary.withoutHostCall()).containsExactly(java.util.Map.entry("API call not in the export", 1L));
        Crossing gpuOnly = capture.crossings.get(3);
        assertThat(gpuOnly.getHostCall()).isFalse();
        assertThat(gpuOnly.getBytes()).isEqualTo(64);
        assertThat(gpuOnly.getPid()).isEqualTo(4242);
        assertThat(gpuOnly.getApiStartNs()).as("host times stand at the GPU start").isEqualTo(SESSION_START_NS + 90_000);
        assertThat(gpuOnly.getAsyncRequested()).isFalse();
        assertThat(summary.facts().gpuSku()).isEqualTo("NVIDIA H200");
        assertThat(summary.facts().gpuUuid()).isEqualTo("GPU-1234");
        assertThat(summary.facts().host()).isEqualTo("cvm-7");

        Crossing h2d = capture.crossings.get(0);
        assertThat(h2d.getDirection()).isEqualTo(Direction.H2D);
        assertThat(h2d.getHostMemory()).as("memKind 1 is Pinned in the export's numbering").isEqualTo(
                HostMemoryKind.PINNED);
        assertThat(h2d.getApi()).isEqualTo("cudaMemcpyAsync");
        assertThat(h2d.getAsyncRequested()).isTrue();
        assertThat(h2d.getPid()).isEqualTo(4242);
        assertThat(h2d.getTid()).isEqualTo(17);
        assertThat(h2d.getApiStartNs()).isEqualTo(SESSION_START_NS + 1_000);
        assertThat(h2d.getApiEndNs()).isEqualTo(SESSION_START_NS + 4_000);
        assertThat(h2d.getGpuStartNs()).isEqualTo(SESSION_START_NS + 5_000);
        assertThat(h2d.getGpuEndNs()).isEqualTo(SESSION_START_NS + 9_000);
        assertThat(h2d.getBytes()).isEqualTo(4096);
        assertThat(h2d.getPhase()).isEqualTo(Phase.KV_RESTORE);

        Crossing d2h = capture.crossings.get(1);
        assertThat(d2h.getDirection()).isEqualTo(Direction.D2H);
        assertThat(d2h.getHostMemory()).as("a device-to-host copy's host side is its destination").isEqualTo(
                HostMemoryKind.PAGEABLE);
        assertThat(d2h.getApi()).isEqualTo("cuMemcpyDtoH_v2");
        assertThat(d2h.getPid()).as("same correlation id as process A's call, joined within process B").isEqualTo(
                4343);
        assertThat(d2h.getPhase()).isNull();

        assertThat(capture.crossings.get(2).getHostMemory()).as("a unified-memory copy").isEqualTo(
                HostMemoryKind.MANAGED);

        KernelExec memset = capture.kernels.get(0);
        assertThat(memset.getKernelName()).isEqualTo("Memset (Device)");
        KernelExec kernel = capture.kernels.get(1);
        assertThat(kernel.getKernelName()).isEqualTo("void gemv<float>(int)");
        assertThat(kernel.getGrid()).containsExactly(132, 1, 1);
        assertThat(kernel.getBlock()).containsExactly(256, 1, 1);
    }

    @Test
    void shouldReadAnExportOfSchema2WithoutEnumTablesByCuptisNumbering(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("schema2.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String sql : List.of(
                    "CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL)",
                    "CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " eventClass INTEGER, globalTid INTEGER, correlationId INTEGER, nameId INTEGER,"
                            + " returnValue INTEGER)",
                    "CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " deviceId INTEGER, contextId INTEGER, streamId INTEGER, correlationId INTEGER,"
                            + " globalPid INTEGER, bytes INTEGER, copyKind INTEGER, deprecatedSrcId INTEGER,"
                            + " srcKind INTEGER, dstKind INTEGER, flags INTEGER)",
                    "CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " deviceId INTEGER, contextId INTEGER, streamId INTEGER, correlationId INTEGER,"
                            + " globalPid INTEGER, value INTEGER, bytes INTEGER, memKind INTEGER, flags INTEGER)",
                    "INSERT INTO StringIds VALUES (1, 'cudaMemcpyAsync_v3020'), (2, 'cudaMemsetAsync_v3020')",
                    "INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME (start, end, globalTid, correlationId, nameId,"
                            + " returnValue) VALUES (1000, 3000, " + (PROCESS_A + 5) + ", 1, 1, 0), (10000, 12000, "
                            + (PROCESS_A + 5) + ", 2, 1, 0), (20000, 21000, " + (PROCESS_A + 5) + ", 3, 2, 0)",
                    // CUPTI's numbering: srcKind 2 is PINNED, dstKind 1 PAGEABLE, memKind 3 DEVICE.
                    "INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY (start, end, deviceId, contextId, streamId,"
                            + " correlationId, globalPid, bytes, copyKind, srcKind, dstKind) VALUES"
                            + " (4000, 6000, 0, 1, 7, 1, " + PROCESS_A + ", 4096, 1, 2, 3),"
                            + " (13000, 15000, 0, 1, 7, 2, " + PROCESS_A + ", 8192, 2, 3, 1)",
                    "INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET (start, end, deviceId, contextId, streamId,"
                            + " correlationId, globalPid, value, bytes, memKind) VALUES (22000, 23000, 0, 1, 7, 3, "
                            + PROCESS_A + ", 0, 256, 3)")) {
                s.execute(sql);
            }
        }
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new NsightTraceReader("old").read(db, capture, TraceProgress.NONE);

        assertThat(summary.crossings()).isEqualTo(2);
        assertThat(capture.crossings).extracting(Crossing::getDirection, Crossing::getHostMemory).containsExactly(
                tuple(Direction.H2D, HostMemoryKind.PINNED),
                tuple(Direction.D2H, HostMemoryKind.PAGEABLE));
        assertThat(capture.kernels).singleElement().satisfies(memset ->
                assertThat(memset.getKernelName()).isEqualTo("Memset (Device)"));
        assertThat(capture.crossings.get(0).getApiStartNs()).as("no session start table: times as exported")
                .isEqualTo(1000);
    }

    @Test
    void shouldSayWhatAnExportLacks(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + empty);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT)");
        }
        assertThatThrownBy(() -> new NsightTraceReader("n").read(empty, new CapturingSink(), TraceProgress.NONE))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("no CUPTI_ACTIVITY_KIND_MEMCPY");
        assertThat(TraceFormat.of(empty)).isEqualTo(TraceFormat.NSIGHT_SQLITE);

        Path corrupt = dir.resolve("corrupt.sqlite");
        byte[] bytes = Files.readAllBytes(export(dir.resolve("x")));
        Files.write(corrupt, Arrays.copyOf(bytes, 600));
        assertThatThrownBy(() -> new NsightTraceReader("n").read(corrupt, new CapturingSink(), TraceProgress.NONE))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("corrupt.sqlite");
    }

    private static Path export(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path db = dir.resolve("report.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String sql : List.of(
                    "CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL)",
                    "CREATE TABLE ENUM_CUDA_MEMCPY_OPER (id INTEGER PRIMARY KEY, name TEXT, label TEXT)",
                    "CREATE TABLE ENUM_CUDA_MEM_KIND (id INTEGER PRIMARY KEY, name TEXT, label TEXT)",
                    "CREATE TABLE TARGET_INFO_SESSION_START_TIME (utcEpochNs INTEGER, utcTime TEXT, localTime TEXT)",
                    "CREATE TABLE TARGET_INFO_GPU (vmId INTEGER, id INTEGER, name TEXT, uuid TEXT, busLocation TEXT)",
                    "CREATE TABLE TARGET_INFO_SYSTEM_ENV (globalVid INTEGER, devStateName TEXT, name TEXT,"
                            + " nameEnum INTEGER, value TEXT)",
                    "CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " eventClass INTEGER, globalTid INTEGER, correlationId INTEGER, nameId INTEGER,"
                            + " returnValue INTEGER, callchainId INTEGER)",
                    "CREATE TABLE CUPTI_ACTIVITY_KIND_DRIVER (start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " eventClass INTEGER, globalTid INTEGER, correlationId INTEGER, nameId INTEGER,"
                            + " returnValue INTEGER, callchainId INTEGER)",
                    "CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " deviceId INTEGER, contextId INTEGER, greenContextId INTEGER, streamId INTEGER,"
                            + " correlationId INTEGER, globalPid INTEGER, bytes INTEGER, copyKind INTEGER,"
                            + " deprecatedSrcId INTEGER, srcKind INTEGER, dstKind INTEGER, srcDeviceId INTEGER,"
                            + " srcContextId INTEGER, dstDeviceId INTEGER, dstContextId INTEGER,"
                            + " migrationCause INTEGER, graphNodeId INTEGER, virtualAddress INTEGER)",
                    "CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " deviceId INTEGER, contextId INTEGER, greenContextId INTEGER, streamId INTEGER,"
                            + " correlationId INTEGER, globalPid INTEGER, value INTEGER, bytes INTEGER,"
                            + " graphNodeId INTEGER, memKind INTEGER)",
                    "CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " deviceId INTEGER, contextId INTEGER, greenContextId INTEGER, streamId INTEGER,"
                            + " correlationId INTEGER, globalPid INTEGER, demangledName INTEGER, shortName INTEGER,"
                            + " mangledName INTEGER, launchType INTEGER, cacheConfig INTEGER,"
                            + " registersPerThread INTEGER, gridX INTEGER, gridY INTEGER, gridZ INTEGER,"
                            + " blockX INTEGER, blockY INTEGER, blockZ INTEGER, staticSharedMemory INTEGER,"
                            + " dynamicSharedMemory INTEGER, localMemoryPerThread INTEGER, localMemoryTotal INTEGER,"
                            + " gridId INTEGER, sharedMemoryExecuted INTEGER, graphNodeId INTEGER,"
                            + " sharedMemoryLimitConfig INTEGER)",
                    "CREATE TABLE NVTX_EVENTS (start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL,"
                            + " rangeId INTEGER, category INTEGER, color INTEGER, text TEXT, globalTid INTEGER,"
                            + " endGlobalTid INTEGER, textId INTEGER, domainId INTEGER)",
                    "INSERT INTO ENUM_CUDA_MEMCPY_OPER VALUES (0, 'CUDA_MEMCPY_KIND_UNKNOWN', 'Unknown'),"
                            + " (1, 'CUDA_MEMCPY_KIND_HTOD', 'Host-to-Device'),"
                            + " (2, 'CUDA_MEMCPY_KIND_DTOH', 'Device-to-Host'),"
                            + " (8, 'CUDA_MEMCPY_KIND_DTOD', 'Device-to-Device'),"
                            + " (9, 'CUDA_MEMCPY_KIND_HTOH', 'Host-to-Host'),"
                            + " (11, 'CUDA_MEMCPY_KIND_UVM_HTOD', 'Unified Host-to-Device')",
                    "INSERT INTO ENUM_CUDA_MEM_KIND VALUES (0, 'CUDA_MEMOPR_MEMORY_KIND_PAGEABLE', 'Pageable'),"
                            + " (1, 'CUDA_MEMOPR_MEMORY_KIND_PINNED', 'Pinned'),"
                            + " (2, 'CUDA_MEMOPR_MEMORY_KIND_DEVICE', 'Device'),"
                            + " (4, 'CUDA_MEMOPR_MEMORY_KIND_MANAGED', 'Managed'),"
                            + " (7, 'CUDA_MEMOPR_MEMORY_KIND_UNKNOWN', 'Unknown')",
                    "INSERT INTO StringIds VALUES (1, 'cudaMemcpyAsync_v3020'), (2, 'cuMemcpyDtoH_v2'),"
                            + " (3, 'cudaMemsetAsync_v3020'), (4, 'cudaLaunchKernel_v7000'),"
                            + " (5, 'void gemv<float>(int)'), (6, 'kv_restore')",
                    "INSERT INTO TARGET_INFO_SESSION_START_TIME VALUES (" + SESSION_START_NS + ", '', '')",
                    "INSERT INTO TARGET_INFO_GPU (vmId, id, name, uuid) VALUES (0, 0, 'NVIDIA H200', 'GPU-1234')",
                    "INSERT INTO TARGET_INFO_SYSTEM_ENV VALUES (0, '', 'Hostname', 1, 'cvm-7')",
                    "INSERT INTO NVTX_EVENTS (start, end, eventType, globalTid, textId) VALUES (500, 20000, 59, "
                            + (PROCESS_A + 17) + ", 6)",
                    // Process A: an async pinned H2D copy, a memset, a kernel; a host-to-host copy (no crossing).
                    "INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME (start, end, globalTid, correlationId, nameId,"
                            + " returnValue) VALUES (1000, 4000, " + (PROCESS_A + 17) + ", 10, 1, 0), (50000, 52000, "
                            + (PROCESS_A + 17) + ", 11, 3, 0), (60000, 61000, " + (PROCESS_A + 17) + ", 12, 4, 0),"
                            + " (70000, 71000, " + (PROCESS_A + 17) + ", 13, 1, 0), (80000, 81000, "
                            + (PROCESS_A + 17) + ", 14, 1, 0)",
                    // Process B: a synchronous pageable D2H through the driver API, same correlation id 10.
                    "INSERT INTO CUPTI_ACTIVITY_KIND_DRIVER (start, end, globalTid, correlationId, nameId,"
                            + " returnValue) VALUES (30000, 40000, " + (PROCESS_B + 3) + ", 10, 2, 0)",
                    "INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY (start, end, deviceId, contextId, streamId,"
                            + " correlationId, globalPid, bytes, copyKind, srcKind, dstKind) VALUES"
                            + " (5000, 9000, 0, 1, 7, 10, " + PROCESS_A + ", 4096, 1, 1, 2),"
                            + " (32000, 39000, 0, 2, 9, 10, " + PROCESS_B + ", 65536, 2, 2, 0),"
                            + " (70500, 70900, 0, 1, 7, 13, " + PROCESS_A + ", 64, 9, 0, 0),"
                            + " (80500, 80900, 0, 1, 7, 14, " + PROCESS_A + ", 64, 11, 4, 2),"
                            + " (90000, 91000, 0, 1, 7, 99, " + PROCESS_A + ", 64, 1, 1, 2)",
                    "INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET (start, end, deviceId, contextId, streamId,"
                            + " correlationId, globalPid, value, bytes, memKind) VALUES (53000, 54000, 0, 1, 7, 11, "
                            + PROCESS_A + ", 0, 8192, 2)",
                    "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL (start, end, deviceId, contextId, streamId,"
                            + " correlationId, globalPid, demangledName, gridX, gridY, gridZ, blockX, blockY, blockZ)"
                            + " VALUES (62000, 66000, 0, 1, 7, 12, " + PROCESS_A + ", 5, 132, 1, 1, 256, 1, 1)")) {
                s.execute(sql);
            }
        }
        return db;
    }
}
