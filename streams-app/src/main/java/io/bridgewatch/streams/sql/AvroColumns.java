package io.bridgewatch.streams.sql;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL columns of an Avro record schema, and the conversion of its records to rows, derived from the schema so
 * that a field added to a schema is a column at once. Every {@code *_ns} time point also gets a {@code TIMESTAMP(3)}
 * companion without the suffix ({@code window_start_ns} -> {@code window_start}; {@code start_ns}/{@code end_ns}
 * become {@code started_at}/{@code ended_at}, as START and END are reserved words). A field named by a reserved word
 * is renamed so that no query needs quoted names ({@code variant} -> {@code variant_name}, {@code value} ->
 * {@code value_bytes}; any other gets a trailing underscore). Nested records are JSON text.
 */
public final class AvroColumns {
    private static final long NS_PER_MS = 1_000_000L;
    private static final int TIMESTAMP_PRECISION = 3;
    private static final Map<String, String> RESERVED_RENAMES = Map.of("variant", "variant_name", "value",
            "value_bytes");

    /** One column: its name, SQL type, and where its value comes from. */
    public record Column(String name, SqlTypeName type, SqlTypeName elementType, boolean nullable, int field,
            boolean timestampOfNs) {
        RelDataType relType(RelDataTypeFactory types) {
            RelDataType base = switch (type) {
                case ARRAY -> types.createArrayType(types.createTypeWithNullability(
                        types.createSqlType(elementType), true), -1);
                case MAP -> types.createMapType(types.createSqlType(SqlTypeName.VARCHAR),
                        types.createTypeWithNullability(types.createSqlType(elementType), true));
                case TIMESTAMP -> types.createSqlType(SqlTypeName.TIMESTAMP, TIMESTAMP_PRECISION);
                default -> types.createSqlType(type);
            };
            return types.createTypeWithNullability(base, nullable);
        }
    }

    private final Schema schema;
    private final List<Column> columns;

    private AvroColumns(Schema schema, List<Column> columns) {
        this.schema = schema;
        this.columns = List.copyOf(columns);
    }

    /** The columns of a record schema, in field order, each time point followed by its timestamp. */
    public static AvroColumns of(Schema schema) {
        List<Column> columns = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            Schema type = field.schema();
            boolean nullable = false;
            if (type.getType() == Schema.Type.UNION) {
                nullable = type.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
                type = type.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst()
                        .orElseThrow();
            }
            SqlTypeName element = null;
            if (type.getType() == Schema.Type.ARRAY) {
                element = scalar(type.getElementType());
            } else if (type.getType() == Schema.Type.MAP) {
                element = scalar(type.getValueType());
            }
            SqlTypeName sqlType = switch (type.getType()) {
                case ARRAY -> SqlTypeName.ARRAY;
                case MAP -> SqlTypeName.MAP;
                default -> scalar(type);
            };
            columns.add(new Column(columnName(field.name()), sqlType, element, nullable, field.pos(), false));
            if (type.getType() == Schema.Type.LONG && field.name().endsWith("_ns")) {
                columns.add(new Column(timestampName(field.name()), SqlTypeName.TIMESTAMP, null, nullable,
                        field.pos(), true));
            }
        }
        return new AvroColumns(schema, columns);
    }

    /** The column name of a field: the field's own unless SQL reserves it. */
    public static String columnName(String field) {
        if (RESERVED_RENAMES.containsKey(field)) {
            return RESERVED_RENAMES.get(field);
        }
        boolean reserved = SqlParserImpl.FACTORY.getParser(new StringReader("")).getMetadata()
                .isReservedWord(field.toUpperCase(Locale.ROOT));
        return reserved ? field + "_" : field;
    }

    /** The name of the timestamp companion of a {@code *_ns} field. */
    public static String timestampName(String nsField) {
        String base = nsField.substring(0, nsField.length() - "_ns".length());
        return switch (base) {
            case "start" -> "started_at";
            case "end" -> "ended_at";
            default -> base;
        };
    }

    private static SqlTypeName scalar(Schema type) {
        return switch (type.getType()) {
            case STRING, ENUM, RECORD -> SqlTypeName.VARCHAR;
            case INT -> SqlTypeName.INTEGER;
            case LONG -> SqlTypeName.BIGINT;
            case DOUBLE -> SqlTypeName.DOUBLE;
            case FLOAT -> SqlTypeName.REAL;
            case BOOLEAN -> SqlTypeName.BOOLEAN;
            case BYTES, FIXED -> SqlTypeName.VARBINARY;
            case UNION -> scalar(type.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL)
                    .findFirst().orElseThrow());
            default -> throw new IllegalArgumentException("no SQL type for Avro " + type.getType().getName()
                    .toLowerCase(Locale.ROOT));
        };
    }

    public Schema schema() {
        return schema;
    }

    public List<Column> columns() {
        return columns;
    }

    /** The index of a column, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Adds the columns to a row type being built. */
    public void addTo(RelDataTypeFactory.Builder builder, RelDataTypeFactory types) {
        columns.forEach(c -> builder.add(c.name(), c.relType(types)));
    }

    /** The record's values in column order, followed by {@code extraSlots} empty slots for the caller. */
    public Object[] row(GenericRecord record, int extraSlots) {
        Object[] row = new Object[columns.size() + extraSlots];
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            Object value = record.get(column.field());
            row[i] = column.timestampOfNs() ? (value == null ? null : Math.floorDiv((Long) value, NS_PER_MS))
                    : sqlValue(value);
        }
        return row;
    }

    /** Calcite's internal representation of an Avro value. */
    private static Object sqlValue(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof GenericRecord
                || value instanceof org.apache.avro.generic.GenericEnumSymbol<?>) {
            return value.toString();
        }
        if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] array = new byte[copy.remaining()];
            copy.get(array);
            return new ByteString(array);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(sqlValue(v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k.toString(), sqlValue(v)));
            return out;
        }
        return value.toString();
    }
}
