namespace Gds.Contracts.Metrics.Catalog;

/// <summary>The metrics of SqlServer targets.</summary>
public static class SqlServerMetrics
{
    private const string Db = DatabaseTypes.SqlServer;
}
