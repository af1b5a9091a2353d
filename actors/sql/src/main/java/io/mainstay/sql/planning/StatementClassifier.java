package io.mainstay.sql.planning;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sorts statement text into a query, {@code CREATE TABLE name AS query} or {@code DROP TABLE
 * name} before Calcite sees it (Calcite's core parser knows no DDL), and refuses every other
 * statement by its leading keyword. The checks are strict prefixes: anything unusual is refused.
 */
final class StatementClassifier {
  private static final String NAME = "(?:([a-z][a-z0-9_]*)|\"([a-z][a-z0-9_-]*)\")";
  private static final Pattern CREATE_AS =
      Pattern.compile("(?is)(create\\s+table\\s+" + NAME + "\\s+as)\\s.*");
  private static final Pattern DROP = Pattern.compile("(?is)drop\\s+table\\s+" + NAME + "\\s*");
  private static final Pattern LEADING_NOISE =
      Pattern.compile("(?s)(?:\\s+|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/)*");
  private static final Pattern FIRST_WORD = Pattern.compile("[A-Za-z]+");
  private static final Pattern TRAILING_SEMICOLON = Pattern.compile(";\\s*$");

  /** A classified statement; {@code query} keeps the original line and column positions. */
  sealed interface Classified {}

  record Query(String text) implements Classified {}

  record CreateTableAs(String name, String query) implements Classified {}

  record DropTable(String name) implements Classified {}

  private StatementClassifier() {}

  static Classified classify(String sql) {
    String text = withoutTrailingSemicolon(sql);
    Matcher noise = LEADING_NOISE.matcher(text);
    int start = noise.lookingAt() ? noise.end() : 0;
    String body = text.substring(start);
    if (body.startsWith("(")) {
      return new Query(text);
    }
    Matcher word = FIRST_WORD.matcher(body);
    String keyword = word.lookingAt() ? word.group().toUpperCase(Locale.ROOT) : "";
    switch (keyword) {
      case "SELECT", "WITH", "VALUES":
        return new Query(text);
      case "CREATE":
        Matcher create = CREATE_AS.matcher(body);
        if (create.matches()) {
          // Blank out the prefix so that syntax errors in the query keep their true positions.
          int prefixEnd = start + create.end(1);
          String query = blank(text.substring(0, prefixEnd)) + text.substring(prefixEnd);
          return new CreateTableAs(name(create, 2), query);
        }
        throw forbidden("only CREATE TABLE <name> AS <query> can create anything");
      case "DROP":
        Matcher drop = DROP.matcher(body);
        if (drop.matches()) {
          return new DropTable(name(drop, 1));
        }
        throw forbidden("only DROP TABLE <name> can drop anything");
      default:
        throw forbidden(
            (keyword.isEmpty() ? "this statement" : keyword + " statements")
                + " cannot be run: only queries (SELECT, WITH, VALUES), CREATE TABLE <name> AS"
                + " <query> and DROP TABLE <name> are accepted");
    }
  }

  /** The table name from the unquoted group {@code first} or the quoted group after it. */
  private static String name(Matcher m, int first) {
    return m.group(first) != null ? m.group(first).toLowerCase(Locale.ROOT) : m.group(first + 1);
  }

  private static String withoutTrailingSemicolon(String sql) {
    Matcher m = TRAILING_SEMICOLON.matcher(sql);
    return m.find() ? sql.substring(0, m.start()) : sql;
  }

  private static String blank(String prefix) {
    return prefix.replaceAll("[^\\n]", " ");
  }

  private static SqlRejected forbidden(String message) {
    return new SqlRejected(SqlRejected.Kind.FORBIDDEN, message);
  }
}
