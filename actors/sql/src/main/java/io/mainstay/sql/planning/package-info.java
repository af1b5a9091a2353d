/**
 * Distributed query planning: Calcite parses, validates and optimises a query, then cuts it into
 * per-split scan fragments and one final stage, both regenerated as DuckDB SQL.
 */
package io.mainstay.sql.planning;
