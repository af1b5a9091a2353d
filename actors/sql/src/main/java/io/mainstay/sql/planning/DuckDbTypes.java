package io.mainstay.sql.planning;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.DelegatingTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Translates DuckDB type names (how datasets describe columns) into Calcite types (how the planner
 * validates). Types without a faithful Calcite counterpart are refused rather than guessed.
 */
final class DuckDbTypes {
  private static final Pattern DECIMAL =
      Pattern.compile("(?:DECIMAL|NUMERIC)\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");
  private static final Pattern VARCHAR = Pattern.compile("(?:VARCHAR|CHAR|BPCHAR)\\s*\\(\\s*\\d+\\s*\\)");

  /**
   * DuckDB's type system, except that CASE branches of different string lengths give VARCHAR:
   * Calcite would otherwise pad them to a common CHAR length, which DuckDB does not do.
   */
  static final RelDataTypeSystem TYPE_SYSTEM =
      new DelegatingTypeSystem(DuckDBSqlDialect.TYPE_SYSTEM) {
        @Override
        public boolean shouldConvertRaggedUnionTypesToVarying() {
          return true;
        }
      };

  private DuckDbTypes() {}

  /** The nullable Calcite type for a DuckDB column type; every dataset column may hold NULL. */
  static RelDataType toCalcite(String duckType, RelDataTypeFactory factory) {
    return factory.createTypeWithNullability(strict(duckType, factory), true);
  }

  private static RelDataType strict(String duckType, RelDataTypeFactory f) {
    String t = duckType.trim().toUpperCase(Locale.ROOT);
    Matcher decimal = DECIMAL.matcher(t);
    if (decimal.matches()) {
      int scale = decimal.group(2) == null ? 0 : Integer.parseInt(decimal.group(2));
      return f.createSqlType(SqlTypeName.DECIMAL, Integer.parseInt(decimal.group(1)), scale);
    }
    if (VARCHAR.matcher(t).matches()) {
      return f.createSqlType(SqlTypeName.VARCHAR);
    }
    return switch (t) {
      case "BOOLEAN", "BOOL", "LOGICAL" -> f.createSqlType(SqlTypeName.BOOLEAN);
      case "TINYINT", "INT1" -> f.createSqlType(SqlTypeName.TINYINT);
      case "SMALLINT", "INT2", "SHORT", "UTINYINT" -> f.createSqlType(SqlTypeName.SMALLINT);
      case "INTEGER", "INT", "INT4", "SIGNED", "USMALLINT" -> f.createSqlType(SqlTypeName.INTEGER);
      case "BIGINT", "INT8", "LONG", "UINTEGER" -> f.createSqlType(SqlTypeName.BIGINT);
      case "HUGEINT", "UBIGINT" -> f.createSqlType(SqlTypeName.DECIMAL, 38, 0);
      case "DECIMAL", "NUMERIC" -> f.createSqlType(SqlTypeName.DECIMAL, 18, 3);
      case "REAL", "FLOAT", "FLOAT4" -> f.createSqlType(SqlTypeName.REAL);
      case "DOUBLE", "FLOAT8" -> f.createSqlType(SqlTypeName.DOUBLE);
      case "VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR" -> f.createSqlType(SqlTypeName.VARCHAR);
      case "DATE" -> f.createSqlType(SqlTypeName.DATE);
      case "TIME" -> f.createSqlType(SqlTypeName.TIME);
      case "TIMESTAMP", "DATETIME" -> f.createSqlType(SqlTypeName.TIMESTAMP);
      case "BLOB", "BYTEA", "BINARY", "VARBINARY" -> f.createSqlType(SqlTypeName.VARBINARY);
      default -> throw new SqlRejected(
          SqlRejected.Kind.INVALID, "column type " + duckType + " is not supported in SQL queries");
    };
  }
}
