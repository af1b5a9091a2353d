package io.mainstay.sql.planning;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;

/** Writes plans back as DuckDB SQL, so that only SQL generated from a validated plan runs. */
final class DuckDbSql {
  private static final SqlDialect DIALECT = DuckDBSqlDialect.DEFAULT;

  private DuckDbSql() {}

  static String of(RelNode rel) {
    return new RelToSqlConverter(DIALECT).visitRoot(rel).asStatement().toSqlString(DIALECT).getSql();
  }
}
