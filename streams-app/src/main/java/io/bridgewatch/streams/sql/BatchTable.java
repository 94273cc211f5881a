package io.bridgewatch.streams.sql;

import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/** A table whose rows are the batch at hand: what a push query's compiled statement runs over, batch by batch. */
final class BatchTable extends AbstractTable implements ScannableTable {
    private final SqlTable table;
    private final Supplier<List<Object[]>> batch;

    BatchTable(SqlTable table, Supplier<List<Object[]>> batch) {
        this.table = table;
        this.batch = batch;
    }

    /** The row type a table has in pull queries, so that a push query sees the same columns. */
    static RelDataType rowType(SqlTable table, RelDataTypeFactory types) {
        if (table.scansTopic()) {
            return TopicTable.rowType(table, types);
        }
        RelDataTypeFactory.Builder builder = types.builder();
        table.columns().addTo(builder, types);
        return builder.build();
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory types) {
        return rowType(table, types);
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
        return Linq4j.asEnumerable(batch.get());
    }
}
