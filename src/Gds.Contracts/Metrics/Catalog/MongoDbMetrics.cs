namespace Gds.Contracts.Metrics.Catalog;

/// <summary>The metrics of MongoDb targets.</summary>
public static class MongoDbMetrics
{
    private const string Db = DatabaseTypes.MongoDb;
}
