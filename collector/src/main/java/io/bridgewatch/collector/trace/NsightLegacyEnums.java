package io.bridgewatch.collector.trace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The enum tables an Nsight Systems export of schema 2.x lacks. Exports of schema 3.x carry
 * {@code ENUM_CUDA_MEMCPY_OPER} and {@code ENUM_CUDA_MEM_KIND}, with a memory-kind numbering of their own
 * (PAGEABLE = 0); older ones store CUPTI's values as they came: {@code CUpti_ActivityMemcpyKind} (the same numbers
 * as the later table) and {@code CUpti_ActivityMemoryKind} (UNKNOWN = 0, PAGEABLE = 1, PINNED = 2, ...). Installed as
 * temporary tables of the same names and shape, so one query reads both generations.
 */
final class NsightLegacyEnums {
    static final String MEMCPY_OPER = "ENUM_CUDA_MEMCPY_OPER";
    static final String MEM_KIND = "ENUM_CUDA_MEM_KIND";
    /** CUpti_ActivityMemcpyKind, in order of value. */
    private static final String[][] COPY_KINDS = {{"UNKNOWN", "Unknown"}, {"HTOD", "Host-to-Device"},
        {"DTOH", "Device-to-Host"}, {"HTOA", "Host-to-Array"}, {"ATOH", "Array-to-Host"},
        {"ATOA", "Array-to-Array"}, {"ATOD", "Array-to-Device"}, {"DTOA", "Device-to-Array"},
        {"DTOD", "Device-to-Device"}, {"HTOH", "Host-to-Host"}, {"PTOP", "Peer-to-Peer"}};
    /** CUpti_ActivityMemoryKind, in order of value. */
    private static final String[][] MEMORY_KINDS = {{"UNKNOWN", "Unknown"}, {"PAGEABLE", "Pageable"},
        {"PINNED", "Pinned"}, {"DEVICE", "Device"}, {"ARRAY", "Array"}, {"MANAGED", "Managed"},
        {"DEVICE_STATIC", "Device Static"}, {"MANAGED_STATIC", "Managed Static"}};

    private NsightLegacyEnums() {
    }

    /** Creates the temporary enum tables on this connection (a read-only database keeps its own untouched). */
    static void install(Connection db) throws SQLException {
        install(db, MEMCPY_OPER, "CUDA_MEMCPY_KIND_", COPY_KINDS);
        install(db, MEM_KIND, "CUDA_MEMOPR_MEMORY_KIND_", MEMORY_KINDS);
    }

    private static void install(Connection db, String table, String prefix, String[][] values) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TEMP TABLE " + table + " (id INTEGER PRIMARY KEY, name TEXT, label TEXT)");
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO temp." + table + " VALUES (?, ?, ?)")) {
            for (int id = 0; id < values.length; id++) {
                insert.setInt(1, id);
                insert.setString(2, prefix + values[id][0]);
                insert.setString(3, values[id][1]);
                insert.executeUpdate();
            }
        }
    }
}
