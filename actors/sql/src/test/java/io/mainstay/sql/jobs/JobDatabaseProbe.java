package io.mainstay.sql.jobs;

import java.sql.SQLException;

/** Lets tests outside the package see a value as the results API shows it. */
public final class JobDatabaseProbe {
  private JobDatabaseProbe() {}

  public static Object json(Object value) throws SQLException {
    return JsonValues.of(value);
  }
}
