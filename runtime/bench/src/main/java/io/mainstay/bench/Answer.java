package io.mainstay.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.Text;

/**
 * A query's whole answer, read from an Arrow stream (the cluster) or a JDBC result (DuckDB alone) into the
 * same values, so that {@link AnswerCheck} compares like with like: exact numbers as {@link BigDecimal},
 * floating-point ones as {@link Double}, dates as {@link LocalDate}, strings as {@link String}.
 */
record Answer(int columns, List<List<Object>> rows) {

  static Answer read(ArrowStreamReader reader) throws IOException {
    VectorSchemaRoot root = reader.getVectorSchemaRoot();
    int columns = root.getFieldVectors().size();
    List<List<Object>> rows = new ArrayList<>();
    while (reader.loadNextBatch()) {
      List<FieldVector> vectors = root.getFieldVectors();
      for (int i = 0; i < root.getRowCount(); i++) {
        List<Object> row = new ArrayList<>(columns);
        for (FieldVector vector : vectors) {
          row.add(value(vector, i));
        }
        rows.add(row);
      }
    }
    return new Answer(columns, rows);
  }

  static Answer read(ResultSet rs) throws SQLException {
    int columns = rs.getMetaData().getColumnCount();
    List<List<Object>> rows = new ArrayList<>();
    while (rs.next()) {
      List<Object> row = new ArrayList<>(columns);
      for (int c = 1; c <= columns; c++) {
        row.add(canonical(rs.getObject(c)));
      }
      rows.add(row);
    }
    return new Answer(columns, rows);
  }

  private static Object value(FieldVector vector, int i) {
    if (vector.isNull(i)) {
      return null;
    }
    // Arrow's own object for a DATE is its day number
    if (vector instanceof DateDayVector days) {
      return LocalDate.ofEpochDay(days.get(i));
    }
    ArrowType type = vector.getField().getType();
    if (type instanceof ArrowType.Date || type instanceof ArrowType.Timestamp || type instanceof ArrowType.Time) {
      throw new BenchmarkException("no comparison for Arrow type " + type + " (column " + vector.getName() + ")");
    }
    return canonical(vector.getObject(i));
  }

  private static Object canonical(Object value) {
    if (value == null || value instanceof BigDecimal || value instanceof String || value instanceof Boolean
        || value instanceof LocalDate) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    if (value instanceof Text text) {
      return text.toString();
    }
    throw new BenchmarkException("no comparison for values of " + value.getClass().getName());
  }
}
