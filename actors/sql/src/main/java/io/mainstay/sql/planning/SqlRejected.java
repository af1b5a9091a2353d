package io.mainstay.sql.planning;

/** A statement the planner refuses; the message is meant for the user who wrote it. */
public final class SqlRejected extends RuntimeException {
  /** Why a statement was refused, so callers can answer differently (e.g. status codes). */
  public enum Kind {
    /** The text does not parse; the message names line and column. */
    SYNTAX,
    /** A dataset, column or function that does not exist. */
    UNKNOWN,
    /** Something other than a query over datasets: writes, settings, files, table functions. */
    FORBIDDEN,
    /** Parses and names known things but is not a valid query (e.g. type errors). */
    INVALID
  }

  private final Kind kind;

  public SqlRejected(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
