package io.mainstay.sql.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.tools.RelBuilder;

/**
 * Plans statements for the cluster: classifies, parses, guards, validates and optimises with
 * Calcite, then cuts the plan into scan
 * fragments, partitioned join fragments and a final stage, all written as DuckDB SQL.
 */
public final class SqlPlanner {
  private static final SqlParser.Config PARSER = SqlParser.config()
      .withCaseSensitive(false)
      .withUnquotedCasing(Casing.TO_LOWER)
      .withQuotedCasing(Casing.UNCHANGED)
      .withConformance(SqlConformanceEnum.LENIENT);

  /** The broadcast threshold of {@link #SqlPlanner()}: 64 MiB (at TPC-H scale 1, orders and partsupp). */
  public static final long DEFAULT_BROADCAST_BYTES = 64L << 20;

  private final long broadcastBytes;
  private final boolean partitionedJoins;

  /** A planner that reads datasets of up to {@link #DEFAULT_BROADCAST_BYTES} whole in joins. */
  public SqlPlanner() {
    this(DEFAULT_BROADCAST_BYTES);
  }

  /**
   * @param broadcastBytes the most bytes of files a dataset may have for a fragment to read it
   *     whole, joining it to its split of a larger dataset; 0 reads none whole
   */
  public SqlPlanner(long broadcastBytes) {
    this(broadcastBytes, true);
  }

  /** @param partitionedJoins whether a join of two larger sides runs partitioned, or in the final stage */
  public SqlPlanner(long broadcastBytes, boolean partitionedJoins) {
    if (broadcastBytes < 0) {
      throw new IllegalArgumentException("broadcast threshold below 0: " + broadcastBytes);
    }
    this.broadcastBytes = broadcastBytes;
    this.partitionedJoins = partitionedJoins;
  }

  /** Plans any accepted statement: a query, CREATE TABLE name AS query, or DROP TABLE name. */
  public PlannedStatement planStatement(String sql, Datasets datasets) {
    StatementClassifier.Classified classified = StatementClassifier.classify(sql);
    if (classified instanceof StatementClassifier.CreateTableAs create) {
      return new PlannedStatement.CreateTableAs(create.name(), planQuery(create.query(), datasets));
    }
    if (classified instanceof StatementClassifier.DropTable drop) {
      return new PlannedStatement.DropTable(drop.name());
    }
    return new PlannedStatement.Query(planQuery(((StatementClassifier.Query) classified).text(),
        datasets));
  }

  /** Plans a query; any other statement is refused. */
  public QueryPlan plan(String sql, Datasets datasets) {
    if (planStatement(sql, datasets) instanceof PlannedStatement.Query query) {
      return query.plan();
    }
    throw new SqlRejected(SqlRejected.Kind.FORBIDDEN, "only a query is accepted here");
  }

  private QueryPlan planQuery(String sql, Datasets datasets) {
    SqlNode parsed = parse(sql);
    QueryGuard.check(parsed);

    JavaTypeFactoryImpl typeFactory = new JavaTypeFactoryImpl(DuckDbTypes.TYPE_SYSTEM);
    Properties properties = new Properties();
    properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    CalciteConnectionConfig connectionConfig = new CalciteConnectionConfigImpl(properties);
    CalciteCatalogReader catalog = new CalciteCatalogReader(
        DatasetTables.rootSchema(datasets), List.of(), typeFactory, connectionConfig);
    SqlValidator validator = SqlValidatorUtil.newValidator(SqlStdOperatorTable.instance(), catalog,
        typeFactory, SqlValidator.Config.DEFAULT
            .withConformance(SqlConformanceEnum.LENIENT)
            // DuckDB sorts NULLs last in both directions; plan with the same semantics.
            .withDefaultNullCollation(NullCollation.LAST)
            .withIdentifierExpansion(true));
    SqlNode validated = validate(validator, parsed);

    RelOptCluster cluster = RelOptCluster.create(
        new HepPlanner(HepProgram.builder().build()), new RexBuilder(typeFactory));
    SqlToRelConverter converter = new SqlToRelConverter(null, validator, catalog, cluster,
        StandardConvertletTable.INSTANCE, SqlToRelConverter.config()
            .withExpand(false)
            .withInSubQueryThreshold(Integer.MAX_VALUE));
    RelRoot root = converter.convertQuery(validated, false, true);
    // LIMIT 0 stays a sort: as an empty VALUES it would be written back without its column types.
    RelBuilder relBuilder = RelFactories.LOGICAL_BUILDER.create(cluster, catalog)
        .transform(config -> config.withSimplifyLimit(false));
    RelNode optimised = PlanOptimizer.optimise(root.project(), relBuilder);

    FragmentCutter.Cut cut =
        FragmentCutter.cut(optimised, new BroadcastJoins(datasets, broadcastBytes), partitionedJoins);
    List<ScanFragment> scans = new ArrayList<>();
    for (FragmentCutter.Segment segment : cut.segments()) {
      scans.add(new ScanFragment(segment.input(), segment.dataset(), DuckDbSql.of(segment.rel()),
          segment.broadcast(), segment.partitionBy()));
    }
    List<JoinFragment> joins = new ArrayList<>();
    for (FragmentCutter.JoinSegment join : cut.joins()) {
      joins.add(new JoinFragment(join.input(), join.sides(), DuckDbSql.named(join.rel())));
    }
    String finalSql = DuckDbSql.of(cut.rest());
    List<String> types = ResultTypes.of(scans, joins, finalSql, datasets);
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      columns.add(new Column(root.fields.get(i).getValue(), types.get(i)));
    }
    return new QueryPlan(scans, joins, finalSql, columns, joins.isEmpty() && cut.rest() instanceof TableScan);
  }

  private static SqlNode parse(String sql) {
    try {
      return SqlParser.create(KeywordIdentifiers.quote(sql), PARSER).parseQuery();
    } catch (SqlParseException e) {
      QueryGuard.checkUnparsable(sql);
      String message = e.getMessage() == null ? "" : e.getMessage();
      String first = message.lines().findFirst().orElse("");
      throw new SqlRejected(SqlRejected.Kind.SYNTAX, "syntax error at line "
          + e.getPos().getLineNum() + ", column " + e.getPos().getColumnNum() + ": " + first);
    }
  }

  private static SqlNode validate(SqlValidator validator, SqlNode parsed) {
    try {
      return validator.validate(parsed);
    } catch (CalciteContextException e) {
      String cause = e.getCause() == null ? "" : String.valueOf(e.getCause().getMessage());
      boolean unknown = cause.contains("not found") || cause.startsWith("No match found");
      throw new SqlRejected(unknown ? SqlRejected.Kind.UNKNOWN : SqlRejected.Kind.INVALID,
          e.getMessage());
    }
  }
}
