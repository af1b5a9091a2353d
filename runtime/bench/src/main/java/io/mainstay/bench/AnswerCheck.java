package io.mainstay.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the cluster's answer is DuckDB's: row by row in order when the query's ORDER BY fixes the order,
 * otherwise as sorted multisets; exact numbers (DECIMAL, integers) and dates and strings exactly, and
 * floating-point numbers within a relative {@link #TOLERANCE}, since a sum's last bits depend on the order
 * the splits added it in.
 */
final class AnswerCheck {

  static final double TOLERANCE = 1e-9;

  private static final Comparator<Object> VALUE_ORDER = AnswerCheck::compareValues;
  private static final Comparator<List<Object>> ROW_ORDER = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = VALUE_ORDER.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  private AnswerCheck() {}

  /** Why {@code actual} is not {@code expected}, naming the first differing row; empty when it is. */
  static Optional<String> difference(Answer expected, Answer actual, boolean ordered) {
    if (expected.columns() != actual.columns()) {
      return Optional.of(String.format(Locale.ROOT, "%d columns, DuckDB %d", actual.columns(), expected.columns()));
    }
    List<List<Object>> want = expected.rows();
    List<List<Object>> got = actual.rows();
    if (!ordered) {
      want = sorted(want);
      got = sorted(got);
    }
    String order = ordered ? "row " : "row (sorted) ";
    for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
      if (!sameRow(want.get(i), got.get(i))) {
        return Optional.of(order + (i + 1) + ": " + got.get(i) + ", DuckDB " + want.get(i));
      }
    }
    if (want.size() != got.size()) {
      int i = Math.min(want.size(), got.size());
      String extra = got.size() > i ? got.get(i) + " is extra" : "missing DuckDB's " + want.get(i);
      return Optional.of(String.format(Locale.ROOT, "%d rows, DuckDB %d; %s%d: %s", got.size(), want.size(), order,
          i + 1, extra));
    }
    return Optional.empty();
  }

  /**
   * Whether {@code sql} ends in an ORDER BY of its own, outside any parentheses: then the order is part of the
   * answer (the TPC-H queries order by keys that leave no ties).
   */
  static boolean ordered(String sql) {
    String text = sql.toLowerCase(Locale.ROOT);
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (depth == 0 && text.startsWith("order", i) && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))
          && text.substring(i + 5).stripLeading().startsWith("by")) {
        return true;
      }
    }
    return false;
  }

  private static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> copy = new ArrayList<>(rows);
    copy.sort(ROW_ORDER);
    return copy;
  }

  private static boolean sameRow(List<Object> a, List<Object> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!sameValue(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean sameValue(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if ((a instanceof Double || b instanceof Double) && a instanceof Number x && b instanceof Number y) {
      double p = x.doubleValue();
      double q = y.doubleValue();
      return p == q || (Double.isNaN(p) && Double.isNaN(q))
          || Math.abs(p - q) <= TOLERANCE * Math.max(Math.abs(p), Math.abs(q));
    }
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    return a.equals(b);
  }

  /** Nulls first, then numbers by value, other values of one class in their natural order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y);
    }
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a.getClass() == b.getClass() && a instanceof Comparable) {
      return ((Comparable) a).compareTo(b);
    }
    return a.getClass().getName().compareTo(b.getClass().getName());
  }
}
