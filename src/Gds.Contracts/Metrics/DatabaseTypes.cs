namespace Gds.Contracts.Metrics;

/// <summary>The database kinds GdsStreams collects from; each names a family of metric topics.</summary>
public static class DatabaseTypes
{
    public const string PostgreSql = "postgresql";
    public const string MongoDb = "mongodb";
    public const string SqlServer = "mssql";
    public const string Snowflake = "snowflake";

    public static readonly IReadOnlyList<string> All = [PostgreSql, MongoDb, SqlServer, Snowflake];

    /// <summary>
    /// Not a database: the database_type of the metrics gds processes publish about themselves (sink breaker, DLQ
    /// counts, consumer lag, spool), on gds.metrics.gds.{environment}, so the pipeline's own rules can watch it.
    /// </summary>
    public const string Pipeline = "gds";

    public static bool IsKnown(string value) => All.Contains(value);
}
