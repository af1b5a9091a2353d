package io.mainstay.sql.datasets;

/** A dataset request that cannot be served as asked (answered 400 with this message). */
public final class DatasetProblem extends RuntimeException {

  public DatasetProblem(String message) {
    super(message);
  }
}
