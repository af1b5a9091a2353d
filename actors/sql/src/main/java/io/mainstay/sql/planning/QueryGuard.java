package io.mainstay.sql.planning;

import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;

/**
 * Refuses parsed queries that would read anything but datasets: table functions, file paths or
 * qualified names in FROM. Validation would also fail on most of these, but with a message about
 * a missing object; this says plainly that reading files or calling table functions is not allowed.
 */
final class QueryGuard {
  private static final Pattern RELATION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final Pattern FILE_IN_FROM = Pattern.compile("(?i)\\b(?:from|join)\\s*'");

  private QueryGuard() {}

  /** Explains a parse failure caused by a quoted file path in FROM, which DuckDB would read. */
  static void checkUnparsable(String sql) {
    if (FILE_IN_FROM.matcher(sql).find()) {
      throw forbidden("files cannot be read directly: query a dataset by its name");
    }
  }

  static void check(SqlNode node) {
    if (node instanceof SqlSelect select) {
      if (select.getFrom() != null) {
        checkFrom(select.getFrom());
      }
      for (SqlNode operand : select.getOperandList()) {
        if (operand != select.getFrom()) {
          checkNullable(operand);
        }
      }
    } else if (node instanceof SqlNodeList list) {
      list.forEach(QueryGuard::checkNullable);
    } else if (node instanceof SqlCall call) {
      call.getOperandList().forEach(QueryGuard::checkNullable);
    }
  }

  private static void checkNullable(SqlNode node) {
    if (node != null) {
      check(node);
    }
  }

  private static void checkFrom(SqlNode from) {
    if (from instanceof SqlIdentifier id) {
      checkRelationName(id);
      return;
    }
    if (from instanceof SqlJoin join) {
      checkFrom(join.getLeft());
      checkFrom(join.getRight());
      checkNullable(join.getCondition());
      return;
    }
    switch (from.getKind()) {
      case AS, LATERAL, EXPLICIT_TABLE, TABLE_REF -> {
        SqlCall call = (SqlCall) from;
        checkFrom(call.operand(0));
        call.getOperandList().stream().skip(1).forEach(QueryGuard::checkNullable);
      }
      case SELECT, UNION, INTERSECT, EXCEPT, WITH, ORDER_BY, VALUES -> check(from);
      default -> throw forbidden(
          "only datasets and subqueries can appear in FROM, not " + from.getKind().sql
              + " (table functions and file readers are not allowed)");
    }
  }

  private static void checkRelationName(SqlIdentifier id) {
    if (id.names.size() != 1) {
      throw forbidden("'" + id + "' is not a dataset name: datasets are named by one identifier"
          + " (file paths cannot be read directly)");
    }
    String name = id.names.get(0);
    if (!RELATION_NAME.matcher(name).matches()) {
      throw forbidden("'" + name + "' is not a dataset name: files cannot be read directly");
    }
  }

  private static SqlRejected forbidden(String message) {
    return new SqlRejected(SqlRejected.Kind.FORBIDDEN, message);
  }
}
