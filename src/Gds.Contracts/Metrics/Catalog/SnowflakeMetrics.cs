namespace Gds.Contracts.Metrics.Catalog;

/// <summary>The metrics of Snowflake targets.</summary>
public static class SnowflakeMetrics
{
    private const string Db = DatabaseTypes.Snowflake;
}
