package io.mainstay.sql.planning;

import io.mainstay.sql.duckdb.DuckDbSandbox;
import java.util.stream.Collectors;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;

/** Writes plans back as DuckDB SQL, so that only SQL generated from a validated plan runs. */
final class DuckDbSql {
  /**
   * DuckDB refuses an aggregate inside an aggregate (MAX(SUM(x))), which the converter would
   * otherwise write for an aggregate over an aggregate: say so, and it nests a sub-query instead.
   */
  private static final SqlDialect DIALECT =
      new DuckDBSqlDialect(DuckDBSqlDialect.DEFAULT_CONTEXT) {
        @Override
        public boolean supportsNestedAggregations() {
          return false;
        }
      };

  private DuckDbSql() {}

  static String of(RelNode rel) {
    return new RelToSqlConverter(DIALECT).visitRoot(rel).asStatement().toSqlString(DIALECT).getSql();
  }

  /**
   * The SQL with its output columns named as the plan's row type names them: a join written back is a
   * {@code SELECT *}, whose columns repeat the names its two sides share.
   */
  static String named(RelNode rel) {
    return "SELECT * FROM (" + of(rel) + ") AS " + DuckDbSandbox.identifier("named") + "("
        + rel.getRowType().getFieldNames().stream().map(DuckDbSandbox::identifier).collect(Collectors.joining(", "))
        + ")";
  }
}
