package io.mainstay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.tpch.TpchFiles;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnswerCheckTest {

  @Test
  void theTopLevelOrderByDecidesWhetherOrderCounts() {
    assertTrue(AnswerCheck.ordered("select a from t order by a"));
    assertTrue(AnswerCheck.ordered("SELECT a FROM orders\nORDER\n  BY a LIMIT 3"));
    assertFalse(AnswerCheck.ordered("select o_orderdate from orders"));
    assertFalse(AnswerCheck.ordered("select * from (select a from t order by a limit 3) x"));
    // the TPC-H queries without ORDER BY: single-row aggregates
    for (int q : List.of(6, 14, 17, 19)) {
      assertFalse(AnswerCheck.ordered(TpchFiles.query(q)), "Q" + q);
    }
    for (int q : List.of(1, 2, 3, 13, 15, 16, 18, 21, 22)) {
      assertTrue(AnswerCheck.ordered(TpchFiles.query(q)), "Q" + q);
    }
  }

  @Test
  void doublesWithinTheToleranceAndExactValuesExactly() {
    Answer duckdb = answer(row(1.0 / 3, new BigDecimal("2.50"), LocalDate.of(1995, 3, 15), "x"));
    assertEquals(Optional.empty(), AnswerCheck.difference(duckdb,
        answer(row(1.0 / 3 * (1 + 1e-12), new BigDecimal("2.5"), LocalDate.of(1995, 3, 15), "x")), true));
    assertTrue(AnswerCheck.difference(duckdb,
        answer(row(1.0 / 3 * (1 + 1e-6), new BigDecimal("2.50"), LocalDate.of(1995, 3, 15), "x")), true).isPresent());
    assertTrue(AnswerCheck.difference(duckdb,
        answer(row(1.0 / 3, new BigDecimal("2.51"), LocalDate.of(1995, 3, 15), "x")), true).isPresent());
    assertTrue(AnswerCheck.difference(duckdb,
        answer(row(1.0 / 3, new BigDecimal("2.50"), LocalDate.of(1995, 3, 16), "x")), true).isPresent());
  }

  @Test
  void orderCountsOnlyWhenTheQueryFixesItAndTheFirstDifferingRowIsNamed() {
    Answer duckdb = answer(row(BigDecimal.ONE, "a"), row(BigDecimal.TEN, null));
    Answer swapped = answer(row(BigDecimal.TEN, null), row(BigDecimal.ONE, "a"));
    assertEquals(Optional.empty(), AnswerCheck.difference(duckdb, swapped, false));
    assertEquals(Optional.of("row 1: [10, null], DuckDB [1, a]"), AnswerCheck.difference(duckdb, swapped, true));
    assertEquals(Optional.of("1 rows, DuckDB 2; row 2: missing DuckDB's [10, null]"),
        AnswerCheck.difference(duckdb, answer(row(BigDecimal.ONE, "a")), true));
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  @SafeVarargs
  private static Answer answer(List<Object>... rows) {
    return new Answer(rows[0].size(), List.of(rows));
  }
}
