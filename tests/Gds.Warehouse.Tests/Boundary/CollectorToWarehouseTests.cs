using Gds.Contracts.Serialization;
using Gds.Monitor.Collectors.PostgreSql;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Gds.Monitor.Targets;
using Gds.Warehouse.Telemetry;
using Xunit.Abstractions;
using Gds.Contracts.Secrets;

namespace Gds.Warehouse.Tests.Boundary;

/// <summary>
/// Alone: the collector reads every database of the server, and a database another test drops half-way through a
/// scrape would fail that scrape.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScrapesTheTestServer
{
    public const string Name = "scrapes the test PostgreSQL";
}

/// <summary>
/// Counts across the boundary: the real collector scrapes the real test PostgreSQL (postgres, two databases of this
/// test, the warehouse's own, its streaming standby), publishes through the real Kafka publisher to the embedded
/// broker, and the importer loads it: the warehouse must hold one row per distinct sample that reached Kafka.
/// </summary>
[Collection(ScrapesTheTestServer.Name)]
public sealed class CollectorToWarehouseTests(PostgresServer pg, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private const int Scrapes = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_distinct_sample_of_three_scrapes_is_one_row_and_importing_them_again_adds_none()
    {
        var orders = await pg.CreateDatabaseNamedAsync("orders");
        var billing = await pg.CreateDatabaseNamedAsync("billing");
        await using var warehouse = await pg.CreateWarehouseAsync();
        using var kafka = new KafkaRig();
        var topic = TopicNames.Metrics(DatabaseTypes.PostgreSql, "production");

        await ScrapeAsync(kafka, Scrapes);
        var records = kafka.ReadAll(topic, partitions: 2, Deadline);
        var samples = records.Select(r => GdsJson.Deserialize<Metric>(r.Message.Value)).ToList();
        var distinct = samples.Select(m => (m.InstanceId, m.MetricName, SeriesLabels.Format(m.Labels), m.Timestamp.UtcTicks / 10)).ToHashSet();
        var labelled = samples.Count(m => m.Labels.Count > 0);
        output.WriteLine($"{samples.Count} records of {Scrapes} scrapes, {distinct.Count} distinct (instance, metric, labels, timestamp), " +
                         $"{labelled} labelled ({labelled / (double)samples.Count:P0}), " +
                         $"{samples.Select(m => (m.InstanceId, m.MetricName, m.Timestamp)).Distinct().Count()} distinct without the labels");

        var first = await ImportAsync(kafka, warehouse, "gds-dw-importer");

        Assert.Equal(distinct.Count, first.Inserted);
        Assert.Equal(distinct.Count, await warehouse.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
        Assert.Equal(distinct.Count, await warehouse.ScalarAsync<long>(
            "SELECT count(DISTINCT (instance_id, metric_name, labels_text, sample_time)) FROM dw.sample"));
        // Each database's reading of each scrape is a row of its own, and so is the standby's.
        foreach (var database in new[] { "postgres", orders, billing })
            Assert.Equal(Scrapes, await warehouse.ScalarAsync<long>(
                $"SELECT count(*) FROM dw.sample WHERE metric_name = 'pg_database_size_bytes' AND labels->>'database' = '{database}'"));
        Assert.Equal(Scrapes, await warehouse.ScalarAsync<long>(
            "SELECT count(*) FROM dw.sample WHERE metric_name = 'pg_replication_standby_lag_bytes' AND labels_text = '{standby=\"gds-test-standby\"}'"));
        // The collector's own metrics are in the catalogue: their unit is the declared one, not a guess from the name.
        Assert.Equal("boolean", await warehouse.ScalarAsync<string>("SELECT unit FROM dw.dim_metric WHERE metric_name = 'gds_collector_up'"));

        // The same records read again by another consumer group: every row is there already.
        var again = await ImportAsync(kafka, warehouse, "gds-dw-importer-again");

        Assert.Equal((samples.Count, 0), (again.Rows, again.Inserted));
        Assert.Equal(distinct.Count, await warehouse.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
    }

    private async Task ScrapeAsync(KafkaRig kafka, int scrapes)
    {
        var target = new TargetDefinition
        {
            Id = "pg-test",
            Type = DatabaseTypes.PostgreSql,
            Environment = "production",
            Connection = SecretTemplate.Literal(PostgresServer.AdminConnection),
            Tags = new Dictionary<string, string> { ["region"] = "local" },
        };
        var spool = Path.Combine(Path.GetTempPath(), "gds-spool-boundary-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var publisher = new KafkaMetricPublisher(kafka.Clients, Options.Create(new PublisherOptions { SpoolDirectory = spool }));
            await using var scraper = new TargetScraper(target, new PostgreSqlCollector(target), publisher, new CollectorOptions(), NullLogger.Instance, TimeProvider.System);
            for (var i = 0; i < scrapes; i++)
            {
                var outcome = await scraper.ScrapeAsync();
                Assert.True(outcome.Up, $"scrape {i + 1}: {outcome.Error}");
            }
            Assert.True(await publisher.FlushAsync(Deadline), "Kafka acknowledged every sample");
        }
        finally
        {
            if (Directory.Exists(spool)) Directory.Delete(spool, recursive: true);
        }
    }

    private async Task<ImportTotals> ImportAsync(KafkaRig kafka, NpgsqlDataSource warehouse, string group)
    {
        await using var loader = new PostgreSqlLoader(warehouse, NullLogger.Instance);
        using var importer = new WarehouseImporter(kafka.Clients, loader, null, Options.Create(new ImporterOptions
        {
            GroupId = group,
            Batch = new BatchOptions { MaxDelay = TimeSpan.FromMilliseconds(200) },
            LoadRetry = new LoadRetryOptions { MaxAttempts = 0 },
            SessionTimeout = TimeSpan.FromSeconds(2),
        }), new TestLogger<WarehouseImporter>(output));
        using var timeout = new CancellationTokenSource(Deadline);
        return await importer.RunAsync(drain: true, timeout.Token);
    }
}
