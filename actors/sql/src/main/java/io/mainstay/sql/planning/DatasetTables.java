package io.mainstay.sql.planning;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;

/**
 * Exposes {@link Datasets} to Calcite as the root schema. Tables are looked up lazily by name, so
 * the catalog need not be listed up front, and sit at the root so that generated SQL names them
 * with a single identifier, as the executors expect.
 */
final class DatasetTables {
  private DatasetTables() {}

  static CalciteSchema rootSchema(Datasets datasets) {
    return CalciteSchema.createRootSchema(false, false, "", new DatasetSchemaAdapter(datasets));
  }

  /** A schema whose tables are whatever {@link Datasets} finds. */
  private static final class DatasetSchemaAdapter extends AbstractSchema {
    private final Datasets datasets;

    DatasetSchemaAdapter(Datasets datasets) {
      this.datasets = datasets;
    }

    @Override
    public Lookup<Table> tables() {
      return new Lookup<>() {
        @Override
        public Table get(String name) {
          return find(name).orElse(null);
        }

        @Override
        public Named<Table> getIgnoreCase(String name) {
          String lower = name.toLowerCase(Locale.ROOT);
          return find(lower).map(t -> new Named<>(lower, t)).orElse(null);
        }

        @Override
        public Set<String> getNames(LikePattern pattern) {
          return Set.of();
        }
      };
    }

    private Optional<Table> find(String name) {
      return datasets.find(name).map(DatasetTable::new);
    }
  }

  /** A dataset as a Calcite table: only its row type matters, it is never scanned by Calcite. */
  private static final class DatasetTable extends AbstractTable {
    private final DatasetSchema schema;

    DatasetTable(DatasetSchema schema) {
      this.schema = schema;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory factory) {
      RelDataTypeFactory.Builder builder = factory.builder();
      for (Column column : schema.columns()) {
        builder.add(column.name(), DuckDbTypes.toCalcite(column.type(), factory));
      }
      return builder.build();
    }
  }
}
