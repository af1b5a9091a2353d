package io.mainstay.sql.planning;

/** One column of a dataset or of a query result: its name and its DuckDB type name. */
public record Column(String name, String type) {}
