package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.PartitionRows;
import io.bridgewatch.streams.query.RowSource;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.FilterableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A result view or the node facts as a table: each partition is read where it is served, only the keys and the
 * window-start range the predicates allow (point lookups and time ranges on the stores, not full scans).
 */
final class StoreTable extends AbstractTable implements FilterableTable {
    private final SqlTable table;
    private final RowSource source;
    private final QueryContext context;

    StoreTable(SqlTable table, QueryContext context) {
        this.table = table;
        this.source = table.store().orElseThrow();
        this.context = context;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory types) {
        RelDataTypeFactory.Builder builder = types.builder();
        table.columns().addTo(builder, types);
        return builder.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters) {
        ScanBounds bounds = ScanBounds.of(filters, table.columns().indexOf(table.keyColumn()), timeColumns(), root);
        List<Object[]> rows = new ArrayList<>();
        if (bounds.empty()) {
            return Linq4j.asEnumerable(rows);
        }
        for (int partition : context.results().partitionsFor(source.scope(), bounds.keys())) {
            PartitionRows read = context.results().read(source, partition, bounds.keys(), bounds.fromMs(),
                    bounds.toMs());
            read.rows().forEach(r -> rows.add(table.columns().row((GenericRecord) r, 0)));
            context.read(new SourceFreshness(table.sqlName(), partition, read.freshness().instance(),
                    read.freshness().role().name(), read.freshness().offsetLag(), read.fallbackReason()));
            context.checkpoint(table.sqlName(), read.rows().size());
        }
        return Linq4j.asEnumerable(rows);
    }

    private List<ScanBounds.TimeColumn> timeColumns() {
        if (table.timeField() == null) {
            return List.of();
        }
        AvroColumns columns = table.columns();
        return List.of(new ScanBounds.TimeColumn(columns.indexOf(table.timeField()), true),
                new ScanBounds.TimeColumn(columns.indexOf(AvroColumns.timestampName(table.timeField())), false));
    }
}
