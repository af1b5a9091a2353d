package io.mainstay.sql.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Compares a plan's rows with the oracle's: numbers of any Java type by value within a relative
 * tolerance (split-wise sums add in another order), rows in order or as multisets.
 */
final class RowsAssert {
  private RowsAssert() {}

  static void assertSameRows(List<List<Object>> expected, List<List<Object>> actual,
      boolean ordered, String context) {
    List<List<Object>> e = normalise(expected, ordered);
    List<List<Object>> a = normalise(actual, ordered);
    assertEquals(e.size(), a.size(), "row count\n" + context + "\n" + e + "\n" + a);
    for (int i = 0; i < e.size(); i++) {
      List<Object> er = e.get(i);
      List<Object> ar = a.get(i);
      assertEquals(er.size(), ar.size(), context);
      for (int j = 0; j < er.size(); j++) {
        Object x = er.get(j);
        Object y = ar.get(j);
        if (x instanceof BigDecimal bx && y instanceof BigDecimal by) {
          double dx = bx.doubleValue();
          double dy = by.doubleValue();
          assertTrue(Math.abs(dx - dy) <= 1e-9 * Math.max(Math.abs(dx), Math.abs(dy)) + 1e-12,
              context + "\nrow " + i + ": " + er + " vs " + ar);
        } else {
          assertEquals(x, y, context + "\nrow " + i + ": " + er + " vs " + ar);
        }
      }
    }
  }

  private static List<List<Object>> normalise(List<List<Object>> rows, boolean ordered) {
    List<List<Object>> out = new ArrayList<>();
    for (List<Object> row : rows) {
      List<Object> r = new ArrayList<>();
      for (Object v : row) {
        r.add(v instanceof Number n ? new BigDecimal(n.toString()) : v == null ? null : v.toString());
      }
      out.add(r);
    }
    if (!ordered) {
      out.sort(Comparator.comparing(RowsAssert::key));
    }
    return out;
  }

  private static String key(List<Object> row) {
    StringBuilder b = new StringBuilder();
    for (Object v : row) {
      b.append(v instanceof BigDecimal d ? String.format("%.6e", d.doubleValue()) : v).append('|');
    }
    return b.toString();
  }
}
