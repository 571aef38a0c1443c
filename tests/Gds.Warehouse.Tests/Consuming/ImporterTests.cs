using System.Text;
using Xunit.Abstractions;

namespace Gds.Warehouse.Tests.Consuming;

/// <summary>The importer end to end: embedded Kafka broker in, real PostgreSQL out.</summary>
public sealed class ImporterTests(PostgresServer pg, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static ImporterOptions Options(int batchRows = 1000) => new()
    {
        Batch = new BatchOptions { MaxRows = batchRows, MaxDelay = TimeSpan.FromMilliseconds(200) },
        LoadRetry = new LoadRetryOptions { MaxAttempts = 0 },
        // The embedded broker keeps a member that left until its session times out; a restart waits that long.
        SessionTimeout = TimeSpan.FromSeconds(2),
    };

    private async Task<Gds.Warehouse.Telemetry.ImportTotals> DrainAsync(KafkaRig kafka, NpgsqlDataSource ds, ImporterOptions? options = null, ImportHooks? hooks = null)
    {
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        using var importer = new WarehouseImporter(kafka.Clients, loader, null, Microsoft.Extensions.Options.Options.Create(options ?? Options()),
            new TestLogger<WarehouseImporter>(output), hooks: hooks);
        using var timeout = new CancellationTokenSource(Deadline);
        return await importer.RunAsync(drain: true, timeout.Token);
    }

    private static IEnumerable<Gds.Contracts.Metrics.Metric> Fleet(int count, int offset = 0) => Enumerable.Range(offset, count).Select(i =>
        Samples.Metric($"db-{i % 5}", $"metric_{i % 4}_seconds", T0.AddSeconds(i), i,
            type: i % 3 == 0 ? "mongodb" : "postgresql", env: i % 2 == 0 ? "production" : "staging"));

    [Fact]
    public async Task Drain_imports_every_sample_of_every_metric_topic_commits_and_exits()
    {
        using var kafka = new KafkaRig();
        await using var ds = await pg.CreateWarehouseAsync();
        await kafka.ProduceAsync(Fleet(3000));
        long meteredRows = 0, meteredBatches = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Gds.Warehouse.Telemetry.ImportMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "gds.dw.rows") Interlocked.Add(ref meteredRows, value);
            if (instrument.Name == "gds.dw.batches") Interlocked.Add(ref meteredBatches, value);
        });
        listener.Start();

        var totals = await DrainAsync(kafka, ds, Options(batchRows: 700));

        Assert.Equal(3000, totals.Inserted);
        Assert.True(totals.Batches >= 5, $"3000 rows in batches of 700 need at least 5 loads, got {totals.Batches}");
        Assert.Equal(0, totals.Lag);
        Assert.Equal((3000, totals.Batches), (Interlocked.Read(ref meteredRows), Interlocked.Read(ref meteredBatches)));
        Assert.Equal(3000, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
        Assert.Equal(4, await ds.ScalarAsync<long>("SELECT count(DISTINCT database_type || environment) FROM dw.dim_instance"));
        Assert.Equal(["us-east-1"], (await ds.RowsAsync("SELECT DISTINCT region FROM dw.dim_instance")).Select(r => r[0]));
        Assert.Equal(3000, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.sample WHERE collection_duration_ms = 150 AND correlation_id IS NOT NULL"));
        var topics = new[] { "mongodb", "postgresql" }.SelectMany(t => new[] { "production", "staging" }.Select(e => TopicNames.Metrics(t, e)));
        Assert.Equal(3000, kafka.CommittedTotal("gds-dw-importer", topics, partitions: 2));

        // A second drain finds nothing new and loads nothing.
        var again = await DrainAsync(kafka, ds);
        Assert.Equal(0, again.Rows);
    }

    [Fact]
    public async Task Malformed_records_go_to_the_dlq_with_error_headers_and_the_import_goes_on()
    {
        using var kafka = new KafkaRig(partitions: 1);
        await using var ds = await pg.CreateWarehouseAsync();
        var topic = TopicNames.Metrics("postgresql", "production");
        await kafka.ProduceAsync(Fleet(10).Where(m => m.DatabaseType == "postgresql" && m.Environment == "production"));
        await kafka.ProduceRawAsync(topic, "bad-1", "{not json"u8.ToArray());
        await kafka.ProduceRawAsync(topic, "bad-2", """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","value":1}"""u8.ToArray());
        await kafka.ProduceAsync([Samples.Metric("after-the-bad-ones", "cpu_usage_percent", T0, 1)]);

        var totals = await DrainAsync(kafka, ds);

        var good = Fleet(10).Count(m => m.DatabaseType == "postgresql" && m.Environment == "production") + 1;
        Assert.Equal(good, totals.Inserted);
        Assert.Equal(2, totals.DeadLettered);
        Assert.Equal(1, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.sample WHERE instance_id = 'after-the-bad-ones'"));
        var dlq = kafka.ReadDlq(2, TimeSpan.FromSeconds(10));
        Assert.Equal(["bad-1", "bad-2"], dlq.Select(r => Encoding.UTF8.GetString(r.Message.Key)));
        Assert.Equal("{not json", Encoding.UTF8.GetString(dlq[0].Message.Value));
        string Header(int i, string name) => Encoding.UTF8.GetString(dlq[i].Message.Headers.GetLastBytes(name));
        Assert.Equal(topic, Header(0, ErrorHeaders.SourceTopic));
        Assert.Equal("0", Header(0, ErrorHeaders.SourcePartition));
        Assert.Equal(good - 1 + "", Header(0, ErrorHeaders.SourceOffset));
        Assert.Equal("dw-import", Header(0, ErrorHeaders.ErrorStage));
        Assert.Contains("Metric", Header(0, ErrorHeaders.Error));
        Assert.Contains("metric_name", Header(1, ErrorHeaders.Error));
    }

    [Fact]
    public async Task A_crash_after_a_load_and_before_its_commit_loses_nothing_and_duplicates_nothing_on_restart()
    {
        using var kafka = new KafkaRig(partitions: 1);
        await using var ds = await pg.CreateWarehouseAsync();
        var fleet = Fleet(1000).Where(m => m.DatabaseType == "postgresql" && m.Environment == "production").ToList();
        await kafka.ProduceAsync(fleet);
        var crashAfter = 0;
        var crashing = new ImportHooks
        {
            AfterLoad = (batch, _) => ++crashAfter == 2 ? throw new SimulatedCrash() : Task.CompletedTask,
        };

        await Assert.ThrowsAsync<SimulatedCrash>(() => DrainAsync(kafka, ds, Options(batchRows: 50), crashing));
        var loadedBeforeCrash = await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample");
        Assert.Equal(100, loadedBeforeCrash); // two batches loaded...
        Assert.Equal(50, kafka.CommittedTotal("gds-dw-importer", [TopicNames.Metrics("postgresql", "production")], partitions: 1)); // ...one committed

        var more = Fleet(200, offset: 1000).Where(m => m.DatabaseType == "postgresql" && m.Environment == "production").ToList();
        await kafka.ProduceAsync(more);
        var restart = await DrainAsync(kafka, ds, Options(batchRows: 50));

        var expected = fleet.Count + more.Count;
        Assert.Equal(expected, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
        Assert.Equal(expected, await ds.ScalarAsync<long>("SELECT count(DISTINCT (instance_key, metric_key, sample_time)) FROM dw.fact_sample"));
        Assert.Equal(50, restart.Duplicates); // the uncommitted batch was read again and skipped
        Assert.Equal(expected - 100, restart.Inserted);
    }

    [Fact]
    public async Task A_load_that_fails_stops_the_import_without_committing_past_it()
    {
        using var kafka = new KafkaRig(partitions: 1);
        await using var ds = await pg.CreateWarehouseAsync();
        var fleet = Fleet(600).Where(m => m.DatabaseType == "postgresql" && m.Environment == "production").ToList();
        await kafka.ProduceAsync(fleet);

        await using (var real = new PostgreSqlLoader(ds, NullLogger.Instance))
        {
            var failing = new FailingSecondLoad(real);
            using var importer = new WarehouseImporter(kafka.Clients, failing, null, Microsoft.Extensions.Options.Options.Create(Options(batchRows: 20)),
                new TestLogger<WarehouseImporter>(output));
            using var timeout = new CancellationTokenSource(Deadline);
            await Assert.ThrowsAsync<InvalidOperationException>(() => importer.RunAsync(drain: true, timeout.Token));
            // Nothing after the failed batch may be loaded and committed, even while the consumer closes:
            // committing a later batch would skip the failed one for good.
            Assert.Equal(2, failing.Loads);
        }
        Assert.Equal(20, kafka.CommittedTotal("gds-dw-importer", [TopicNames.Metrics("postgresql", "production")], partitions: 1));

        await DrainAsync(kafka, ds, Options(batchRows: 20));

        Assert.Equal(fleet.Count, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
    }

    private sealed class FailingSecondLoad(IWarehouseLoader inner) : IWarehouseLoader
    {
        public int Loads { get; private set; }
        public Task<LoadResult> LoadAsync(ImportBatch batch, CancellationToken ct) =>
            ++Loads == 2 ? Task.FromException<LoadResult>(new InvalidOperationException("the warehouse is down")) : inner.LoadAsync(batch, ct);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Samples_older_than_retention_are_skipped_and_counted()
    {
        using var kafka = new KafkaRig(partitions: 1);
        await using var ds = await pg.CreateWarehouseAsync();
        var now = DateTimeOffset.UtcNow;
        await kafka.ProduceAsync([
            Samples.Metric("db-1", "cpu_usage_percent", now.AddDays(-40), 1),
            Samples.Metric("db-1", "cpu_usage_percent", now.AddDays(-2), 2),
            Samples.Metric("db-1", "cpu_usage_percent", now.AddMinutes(-1), 3),
        ]);
        var options = Options();
        options.Retention.Days = 30;

        var totals = await DrainAsync(kafka, ds, options);

        Assert.Equal((2, 1), (totals.Inserted, totals.Expired));
        Assert.Equal(0, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample WHERE value = 1"));
    }

    private sealed class SimulatedCrash : Exception;
}
