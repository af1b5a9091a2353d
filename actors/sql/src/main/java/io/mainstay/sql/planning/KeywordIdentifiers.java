package io.mainstay.sql.planning;

import java.util.Locale;
import java.util.Set;

/**
 * Quotes the words that DuckDB accepts as plain names but Calcite's parser reserves (TPC-H Q11
 * calls a column {@code value}), so that such a query parses with the meaning DuckDB gives it.
 * Only words with no other use in the SQL accepted here are listed. Strings, quoted names and
 * comments are left as they are.
 */
final class KeywordIdentifiers {
  private static final Set<String> WORDS = Set.of("value");

  private KeywordIdentifiers() {}

  static String quote(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    while (i < sql.length()) {
      int end = tokenEnd(sql, i);
      String token = sql.substring(i, end);
      String lower = token.toLowerCase(Locale.ROOT);
      out.append(WORDS.contains(lower) ? '"' + lower + '"' : token);
      i = end;
    }
    return out.toString();
  }

  /** Where the token starting at {@code i} ends: a word, a quoted run, a comment or one char. */
  private static int tokenEnd(String sql, int i) {
    char c = sql.charAt(i);
    if (Character.isLetter(c) || c == '_') {
      int j = i + 1;
      while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j))
          || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
        j++;
      }
      return j;
    }
    if (c == '\'' || c == '"') {
      // A doubled quote inside is an escaped quote: the run simply goes on.
      int j = sql.indexOf(c, i + 1);
      return j < 0 ? sql.length() : j + 1;
    }
    if (sql.startsWith("--", i)) {
      int j = sql.indexOf('\n', i);
      return j < 0 ? sql.length() : j;
    }
    if (sql.startsWith("/*", i)) {
      int j = sql.indexOf("*/", i + 2);
      return j < 0 ? sql.length() : j + 2;
    }
    return i + 1;
  }
}
