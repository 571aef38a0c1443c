using Gds.Monitor.Collectors.MongoDb;
using Gds.Monitor.Collectors.SqlServer;
using MongoDB.Bson;

namespace Gds.Monitor.Tests.Catalog;

/// <summary>
/// The production mappings, on recorded server replies, emit only catalogue metrics with exactly their labels, each
/// series once per scrape. PostgreSQL (a real primary and standby) and Snowflake (WireMock) are checked in their
/// collectors' test classes, where their servers are.
/// </summary>
public class CatalogueConformanceTests
{
    private static BsonDocument Reply(string file) => BsonDocument.Parse(Recorded.Text("mongodb", file));

    [Fact]
    public void A_MongoDB_scrape_of_a_replica_set_primary_keeps_the_catalogue()
    {
        // One scrape as the collector makes it: serverStatus, replSetGetStatus, then the oplog window.
        var s = new SampleSet();
        MongoDbMapping.ServerStatus(Reply("serverStatus-7.0-primary.json"), s);
        MongoDbMapping.ReplSetStatus(Reply("replSetGetStatus-7.0-primary.json"), s);
        MongoDbMapping.OplogWindow(Reply("oplog-oldest-7.0.json"), Reply("oplog-newest-7.0.json"), s);
        CatalogueConformance.Holds(s, DatabaseTypes.MongoDb);
    }

    [Fact]
    public void A_MongoDB_scrape_of_an_older_standalone_keeps_the_catalogue()
    {
        var s = new SampleSet();
        MongoDbMapping.ServerStatus(Reply("serverStatus-4.4-standalone.json"), s);
        MongoDbMapping.NotAReplicaSet(s);
        CatalogueConformance.Holds(s, DatabaseTypes.MongoDb);
    }

    [Theory]
    [InlineData("dmv-2022-ag-primary.json")]
    [InlineData("dmv-2019-named-standalone.json")]
    public async Task A_SQL_Server_scrape_keeps_the_catalogue(string file)
    {
        using var set = RecordedResultSets.Load(file);
        using var reader = set.CreateDataReader();
        var s = await SqlBatchMapping.MapAsync(reader, SqlServerQueries.All, CancellationToken.None);
        CatalogueConformance.Holds(s, DatabaseTypes.SqlServer);
    }

    [Fact]
    public void An_unknown_name_a_foreign_metric_wrong_labels_and_a_repeated_series_are_each_caught()
    {
        Sample[] scrape =
        [
            new("mongodb_repl_lag_seconds", 1),
            new("pg_connections_used", 3),
            new("mongodb_replset_member_state", 1),
            new("mongodb_replset_member_health", 1, new Dictionary<string, string> { ["member"] = "a:27017" }),
            new("mongodb_replset_member_health", 1, new Dictionary<string, string> { ["member"] = "a:27017" }),
        ];
        var problems = CatalogueConformance.Problems(scrape, DatabaseTypes.MongoDb);
        Assert.Equal(
        [
            "mongodb_repl_lag_seconds: not in the metric catalogue (closest: mongodb_replset_lag_seconds)",
            "pg_connections_used: catalogued for postgresql, emitted by a mongodb collector",
            "mongodb_replset_member_state: labels [], the catalogue says [member]",
            "mongodb_replset_member_health{member=\"a:27017\"}: appears more than once in one scrape",
        ], problems);
    }

    [Fact]
    public void A_mapping_cannot_give_a_reading_other_labels_than_its_metric_declares()
    {
        var s = new SampleSet();
        var ex = Assert.Throws<ArgumentException>(() => s.Add(Contracts.Metrics.Catalog.PostgreSqlMetrics.DatabaseSize, 1));
        Assert.Equal("pg_database_size_bytes is labelled by [database]; 0 value(s) were given", ex.Message);
    }
}
