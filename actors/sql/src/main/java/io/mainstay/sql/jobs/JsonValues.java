package io.mainstay.sql.jobs;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Base64;

/**
 * A DuckDB value as a JSON value: numbers stay numbers (decimals exact), booleans and NULL stay themselves,
 * dates and times become ISO-8601 text, bytes Base64, and anything else (lists, structs, UUIDs, intervals)
 * DuckDB's own text for it.
 */
final class JsonValues {

  private JsonValues() {}

  static Object of(Object value) throws SQLException {
    if (value == null || value instanceof Boolean || value instanceof String || value instanceof BigDecimal
        || value instanceof BigInteger || value instanceof Long || value instanceof Integer
        || value instanceof Short || value instanceof Byte) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      // JSON has no NaN or infinities
      return Double.isFinite(d) ? value : Double.toString(d);
    }
    if (value instanceof Date date) {
      return date.toLocalDate().toString();
    }
    if (value instanceof Timestamp timestamp) {
      return timestamp.toLocalDateTime().toString();
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof java.sql.Array array) {
      return String.valueOf(array);
    }
    return value.toString();
  }
}
