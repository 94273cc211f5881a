package io.bridgewatch.collector.trace;

import io.bridgewatch.collector.input.TraceFacts;
import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceReader;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads an Nsight Systems SQLite export ({@code nsys export --type sqlite}, FORMATS.md section 3) into Crossing and
 * KernelExec events. Copies, memsets and kernels are joined to their runtime or driver API call by correlation id
 * within the process (the upper bits of {@code globalPid}/{@code globalTid}) and read in GPU start order through
 * one cursor, so memory stays bounded whatever the database's size. Enum columns are resolved through the export's
 * own enum tables by name (their numbering is not CUPTI's) in exports of schema 3.x, and by CUPTI's numbering in
 * those of schema 2.x, which have no enum tables ({@link NsightLegacyEnums}). Times are {@code TARGET_INFO_SESSION_START_TIME.utcEpochNs}
 * plus each row's {@code start}/{@code end}. Phases come from NVTX ranges whose names name one ({@link PhaseNames}).
 */
public final class NsightTraceReader implements TraceReader {
    private static final String MEMCPY = "CUPTI_ACTIVITY_KIND_MEMCPY";
    private static final String MEMSET = "CUPTI_ACTIVITY_KIND_MEMSET";
    private static final String KERNEL = "CUPTI_ACTIVITY_KIND_KERNEL";
    private static final String RUNTIME = "CUPTI_ACTIVITY_KIND_RUNTIME";
    private static final String DRIVER = "CUPTI_ACTIVITY_KIND_DRIVER";
    /** A process's id bits in a serialized global id: everything above the 24 thread bits. */
    private static final String PROCESS_OF = " / 16777216";
    private static final int PROGRESS_EVERY = 8192;

    private final String nodeId;

    public NsightTraceReader(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public TraceSummary read(Path file, EventSink sink, TraceProgress progress) {
        if (!Files.isReadable(file)) {
            throw new TraceFormatException(file + ": cannot read the file");
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath()
                + "?mode=ro")) {
            Set<String> tables = tables(db);
            if (!tables.contains(MEMCPY) && !tables.contains(KERNEL)) {
                throw new TraceFormatException(file + ": not an Nsight Systems export with CUDA activity (no "
                        + MEMCPY + " or " + KERNEL + " table; was the report taken with --trace=cuda?)");
            }
            List<String> apiTables = tables.stream().filter(t -> t.equals(RUNTIME) || t.equals(DRIVER)).toList();
            if (apiTables.isEmpty()) {
                throw new TraceFormatException(file + ": the export has no " + RUNTIME + " table, so copies and"
                        + " kernels cannot be joined to their API calls");
            }
            if (!tables.contains("StringIds")) {
                throw new TraceFormatException(file + ": the export has no StringIds table");
            }
            if (!tables.contains(NsightLegacyEnums.MEMCPY_OPER) && !tables.contains(NsightLegacyEnums.MEM_KIND)) {
                NsightLegacyEnums.install(db); // schema 2.x: CUPTI's numbering
            } else if (!tables.contains(NsightLegacyEnums.MEMCPY_OPER) || !tables.contains(NsightLegacyEnums.MEM_KIND)) {
                throw new TraceFormatException(file + ": the export has one of " + NsightLegacyEnums.MEMCPY_OPER
                        + " and " + NsightLegacyEnums.MEM_KIND + " but not the other");
            }
            long baseNs = sessionStart(db, tables);
            PhaseRanges phases = phases(db, tables, baseNs);
            return readActivities(file, db, tables, apiTables, baseNs, phases, sink, progress);
        } catch (SQLException e) {
            throw new TraceFormatException(file + ": not a readable Nsight Systems SQLite export (" + e.getMessage()
                    + ")", e);
        }
    }

    private TraceSummary readActivities(Path file, Connection db, Set<String> tables, List<String> apiTables,
            long baseNs, PhaseRanges phases, EventSink sink, TraceProgress progress) throws SQLException {
        String api = String.join(" UNION ALL ", apiTables.stream()
                .map(t -> "SELECT start, end, globalTid, correlationId, nameId, returnValue FROM " + t).toList());
        List<String> activities = new ArrayList<>();
        if (tables.contains(MEMCPY)) {
            activities.add("SELECT 'memcpy' AS type, a.start, a.end, a.deviceId, a.contextId, a.streamId,"
                    + " a.correlationId, a.globalPid, a.bytes, ck.name AS copyKind, sk.name AS srcKind,"
                    + " dk.name AS dstKind, NULL AS nameId, NULL AS gx, NULL AS gy, NULL AS gz, NULL AS bx,"
                    + " NULL AS by_, NULL AS bz, " + graphNode(db, MEMCPY) + " AS graphNode FROM " + MEMCPY + " a"
                    + " LEFT JOIN ENUM_CUDA_MEMCPY_OPER ck ON ck.id = a.copyKind"
                    + " LEFT JOIN ENUM_CUDA_MEM_KIND sk ON sk.id = a.srcKind"
                    + " LEFT JOIN ENUM_CUDA_MEM_KIND dk ON dk.id = a.dstKind");
        }
        if (tables.contains(MEMSET)) {
            activities.add("SELECT 'memset', a.start, a.end, a.deviceId, a.contextId, a.streamId, a.correlationId,"
                    + " a.globalPid, a.bytes, NULL, mk.label, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + graphNode(db, MEMSET) + " FROM " + MEMSET + " a LEFT JOIN ENUM_CUDA_MEM_KIND mk"
                    + " ON mk.id = a.memKind");
        }
        if (tables.contains(KERNEL)) {
            activities.add("SELECT 'kernel', a.start, a.end, a.deviceId, a.contextId, a.streamId, a.correlationId,"
                    + " a.globalPid, NULL, NULL, NULL, NULL, a.demangledName, a.gridX, a.gridY, a.gridZ, a.blockX,"
                    + " a.blockY, a.blockZ, " + graphNode(db, KERNEL) + " FROM " + KERNEL + " a");
        }
        String sql = "SELECT g.*, h.start AS apiStart, h.end AS apiEnd, h.globalTid, n.value AS apiName,"
                + " h.returnValue, kn.value AS kernelName FROM (" + String.join(" UNION ALL ", activities) + ") g"
                + " LEFT JOIN (" + api + ") h ON h.correlationId = g.correlationId"
                + " AND h.globalTid" + PROCESS_OF + " = g.globalPid" + PROCESS_OF
                + " LEFT JOIN StringIds n ON n.id = h.nameId LEFT JOIN StringIds kn ON kn.id = g.nameId"
                + " ORDER BY g.start";
        long crossings = 0;
        long kernels = 0;
        long memsets = 0;
        Map<String, Long> withoutApiCall = new TreeMap<>();
        long firstApiCall = firstApiCallStart(db, api);
        long row = 0;
        try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                row++;
                if (row % PROGRESS_EVERY == 0) {
                    progress.update(0, crossings + kernels + memsets);
                }
                boolean apiCall = rs.getObject("apiStart") != null;
                if (!apiCall) {
                    withoutApiCall.merge(rs.getLong("graphNode") > 0 ? "launched by a CUDA graph"
                            : rs.getLong("start") < firstApiCall ? "started before the export's first API call"
                            : "API call not in the export", 1L, Long::sum);
                }
                String type = rs.getString("type");
                switch (type) {
                    case "memcpy" -> {
                        Crossing crossing = crossing(file, rs, baseNs, phases);
                        if (crossing != null) {
                            sink.crossing(crossing);
                            crossings++;
                        }
                    }
                    case "memset" -> {
                        sink.kernel(kernel(rs, baseNs, phases, "Memset (" + text(rs, "srcKind", "Unknown") + ")"));
                        memsets++;
                    }
                    default -> {
                        sink.kernel(kernel(rs, baseNs, phases, text(rs, "kernelName", "unknown kernel")));
                        kernels++;
                    }
                }
            }
        }
        progress.update(file.toFile().length(), crossings + kernels + memsets);
        return new TraceSummary(crossings, kernels, memsets,
                withoutApiCall.values().stream().mapToLong(Long::longValue).sum(), 0, phases.size(),
                facts(db, tables), null, Map.of(), withoutApiCall);
    }

    /** The activity table's graph node column where the export has one (schema 3.x), else NULL. */
    private static String graphNode(Connection db, String table) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if ("graphNodeId".equals(rs.getString("name"))) {
                    return "a.graphNodeId";
                }
            }
        }
        return "NULL";
    }

    private static long firstApiCallStart(Connection db, String apiCalls) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT MIN(start) FROM (" + apiCalls + ")")) {
            return rs.next() && rs.getObject(1) != null ? rs.getLong(1) : Long.MAX_VALUE;
        }
    }

    private Crossing crossing(Path file, ResultSet rs, long baseNs, PhaseRanges phases) throws SQLException {
        String copyKind = rs.getString("copyKind");
        if (copyKind == null) {
            throw new TraceFormatException(file + ": " + MEMCPY + " row with correlationId "
                    + rs.getLong("correlationId") + " has a copyKind that ENUM_CUDA_MEMCPY_OPER does not list");
        }
        Direction direction = direction(copyKind);
        if (direction == null) {
            return null; // host-to-host: crosses nothing
        }
        String hostSide = direction == Direction.D2H ? rs.getString("dstKind") : rs.getString("srcKind");
        HostSide call = HostSide.of(rs, baseNs);
        String api = text(rs, "apiName", "");
        return Crossing.newBuilder().setNodeId(nodeId).setGpuIndex(rs.getInt("deviceId"))
                .setPid(call.pid()).setTid(call.tid())
                .setContextId(rs.getLong("contextId")).setStreamId(rs.getLong("streamId"))
                .setCorrelationId(rs.getLong("correlationId")).setApi(baseApiName(api)).setDirection(direction)
                .setHostMemory(copyKind.contains("UVM") ? HostMemoryKind.MANAGED : hostMemory(hostSide))
                .setBytes(rs.getLong("bytes")).setAsyncRequested(api.contains("Async"))
                .setApiStartNs(call.startNs()).setApiEndNs(call.endNs()).setHostCall(call.recorded())
                .setGpuStartNs(baseNs + rs.getLong("start")).setGpuEndNs(baseNs + rs.getLong("end"))
                .setPhase(phases.at(call.startNs())).setStatusCode(rs.getInt("returnValue")).build();
    }

    private KernelExec kernel(ResultSet rs, long baseNs, PhaseRanges phases, String name) throws SQLException {
        HostSide call = HostSide.of(rs, baseNs);
        return KernelExec.newBuilder().setNodeId(nodeId).setGpuIndex(rs.getInt("deviceId"))
                .setPid(call.pid()).setTid(call.tid())
                .setContextId(rs.getLong("contextId")).setStreamId(rs.getLong("streamId"))
                .setCorrelationId(rs.getLong("correlationId")).setKernelName(name)
                .setGrid(dims(rs, "gx", "gy", "gz")).setBlock(dims(rs, "bx", "by_", "bz"))
                .setApiStartNs(call.startNs()).setApiEndNs(call.endNs()).setHostCall(call.recorded())
                .setGpuStartNs(baseNs + rs.getLong("start")).setGpuEndNs(baseNs + rs.getLong("end"))
                .setPhase(phases.at(call.startNs())).build();
    }

    /**
     * The API call of an activity row: its thread and times; for a row without one (host_call false), the process
     * from the activity and the GPU start as the times.
     */
    private record HostSide(int pid, long tid, long startNs, long endNs, boolean recorded) {
        static HostSide of(ResultSet rs, long baseNs) throws SQLException {
            if (rs.getObject("apiStart") == null) {
                long gpuStart = baseNs + rs.getLong("start");
                return new HostSide((int) (rs.getLong("globalPid") / 0x1000000L % 0x1000000L), 0, gpuStart, gpuStart,
                        false);
            }
            long globalTid = rs.getLong("globalTid");
            return new HostSide((int) (globalTid / 0x1000000L % 0x1000000L), globalTid % 0x1000000L,
                    baseNs + rs.getLong("apiStart"), baseNs + rs.getLong("apiEnd"), true);
        }
    }

    /** ENUM_CUDA_MEMCPY_OPER name to direction; null for host-to-host. */
    static Direction direction(String copyKind) {
        String kind = copyKind.substring(copyKind.lastIndexOf('_') + 1);
        return switch (kind) {
            case "HTOD", "HTOA" -> Direction.H2D;
            case "DTOH", "ATOH" -> Direction.D2H;
            case "DTOD", "ATOA", "ATOD", "DTOA" -> Direction.D2D;
            case "PTOP" -> Direction.P2P;
            case "HTOH" -> null;
            default -> Direction.UNKNOWN;
        };
    }

    /** ENUM_CUDA_MEM_KIND name ({@code CUDA_MEMOPR_MEMORY_KIND_PINNED}) to host memory kind. */
    static HostMemoryKind hostMemory(String memKind) {
        if (memKind == null) {
            return HostMemoryKind.UNKNOWN;
        }
        String kind = memKind.replace("CUDA_MEMOPR_MEMORY_KIND_", "");
        return switch (kind) {
            case "PAGEABLE" -> HostMemoryKind.PAGEABLE;
            case "PINNED" -> HostMemoryKind.PINNED;
            case "MANAGED", "MANAGED_STATIC" -> HostMemoryKind.MANAGED;
            case "DEVICE", "DEVICE_STATIC", "ARRAY" -> HostMemoryKind.DEVICE;
            default -> HostMemoryKind.UNKNOWN;
        };
    }

    /** {@code cudaMemcpyAsync_v3020} is {@code cudaMemcpyAsync}; driver names keep their {@code _v2}. */
    static String baseApiName(String name) {
        int version = name.lastIndexOf("_v");
        return name.startsWith("cuda") && version > 0 && name.substring(version + 2).chars().allMatch(
                Character::isDigit) && name.length() - version > 3 ? name.substring(0, version) : name;
    }

    private static Set<String> tables(Connection db) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static long sessionStart(Connection db, Set<String> tables) throws SQLException {
        if (!tables.contains("TARGET_INFO_SESSION_START_TIME")) {
            return 0;
        }
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT utcEpochNs FROM TARGET_INFO_SESSION_START_TIME LIMIT 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static PhaseRanges phases(Connection db, Set<String> tables, long baseNs) throws SQLException {
        PhaseRanges phases = new PhaseRanges();
        if (!tables.contains("NVTX_EVENTS")) {
            return phases;
        }
        String sql = "SELECT e.start, e.end, COALESCE(e.text, s.value) FROM NVTX_EVENTS e"
                + " LEFT JOIN StringIds s ON s.id = e.textId WHERE e.end IS NOT NULL AND e.eventType IN (59, 60)";
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String name = rs.getString(3);
                if (name != null) {
                    long start = baseNs + rs.getLong(1);
                    long end = baseNs + rs.getLong(2);
                    PhaseNames.of(name).ifPresent(phase -> phases.add(start, end, phase));
                }
            }
        }
        return phases;
    }

    private static TraceFacts facts(Connection db, Set<String> tables) throws SQLException {
        String sku = "";
        String uuid = "";
        String host = "";
        if (tables.contains("TARGET_INFO_GPU")) {
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery("SELECT name, uuid FROM TARGET_INFO_GPU ORDER BY id LIMIT 1")) {
                if (rs.next()) {
                    sku = String.valueOf(rs.getString(1));
                    uuid = String.valueOf(rs.getString(2));
                }
            }
        }
        if (tables.contains("TARGET_INFO_SYSTEM_ENV")) {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT value FROM TARGET_INFO_SYSTEM_ENV WHERE name = 'Hostname' LIMIT 1")) {
                if (rs.next()) {
                    host = String.valueOf(rs.getString(1));
                }
            }
        }
        return new TraceFacts(sku, uuid, "", host);
    }

    private static List<Integer> dims(ResultSet rs, String x, String y, String z) throws SQLException {
        if (rs.getObject(x) == null) {
            return List.of();
        }
        return List.of(rs.getInt(x), rs.getInt(y), rs.getInt(z));
    }

    private static String text(ResultSet rs, String column, String fallback) throws SQLException {
        String value = rs.getString(column);
        return value == null ? fallback : value;
    }
}
