namespace Gds.Contracts.Metrics.Catalog;

/// <summary>The metrics of PostgreSql targets.</summary>
public static class PostgreSqlMetrics
{
    private const string Db = DatabaseTypes.PostgreSql;
}
