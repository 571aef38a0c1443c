using Gds.Contracts.Metrics;
using Gds.Warehouse.Consuming;
using Gds.Warehouse.Loading;
using Gds.Warehouse.PostgreSql;
using Gds.Warehouse.Schema;
using Gds.Warehouse.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gds.Bench.Warehouse;

public sealed record DwBenchmarkOptions
{
    public int Rows { get; init; } = 2_000_000;
    public int Partitions { get; init; } = 8;
    public int BatchRows { get; init; } = 100_000;
    public int Instances { get; init; } = 2_000;
    public int LoadSessions { get; init; } = 2;
    public bool KeepDatabase { get; init; }
}

/// <param name="ImportCpu">
/// CPU time of this process (importer and the embedded broker serving it) during the import: steadier than the
/// wall clock on a shared machine, so it is the figure to compare code changes by.
/// </param>
/// <param name="Reimport">A second import of the same records under another consumer group: must insert nothing.</param>
/// <param name="FactRows">Rows in dw.fact_sample afterwards: one per produced record, each a distinct series and time.</param>
public sealed record DwBenchmarkResult(long Produced, double LabelledShare, TimeSpan ProduceTime, TimeSpan ImportTime, TimeSpan ImportCpu, ImportTotals Totals,
    TimeSpan ReimportTime, ImportTotals Reimport, long FactRows, string Database)
{
    public double RowsPerSecond => Totals.Rows / ImportTime.TotalSeconds;
}

/// <summary>
/// `gds bench dw`: fills the embedded broker with metric records, then times a draining import of all of them
/// into a fresh PostgreSQL database: consume, parse, batch, COPY + merge, commit, end to end. Then imports them
/// all again under another consumer group, which must add no row.
/// </summary>
public static class DwBenchmark
{
    private static readonly DateTimeOffset Start = new(2025, 1, 15, 0, 0, 0, TimeSpan.Zero);

    public static async Task<DwBenchmarkResult> RunAsync(string adminConnection, DwBenchmarkOptions options, ILoggerFactory loggers, CancellationToken ct)
    {
        var log = loggers.CreateLogger("Gds.Warehouse.Benchmark");
        var database = "gds_bench_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        var admin = PostgreSqlConnection.Parse(adminConnection);
        await ExecuteAsync(admin.ConnectionString, $"CREATE DATABASE {database}", ct);
        var target = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = database };
        try
        {
            using var broker = EmbeddedBroker.Start();
            await new EmbeddedTopicCreator(broker).EnsureAsync(TopicCatalog.Standard(options.Partitions), ct);
            var clients = new KafkaClientFactory(broker.BootstrapServers);

            log.LogInformation("Producing {Rows} metric records to the embedded broker ({Partitions} partitions per topic)", options.Rows, options.Partitions);
            var produceTime = Produce(clients, options, ct);
            log.LogInformation("Produced in {Seconds:0.0} s ({Rate:0}/s)", produceTime.TotalSeconds, options.Rows / produceTime.TotalSeconds);
            var retained = Retained(clients);
            if (retained < options.Rows)
                throw new InvalidOperationException(
                    $"the embedded broker kept only {retained} of {options.Rows} records (it keeps about 5 MB per partition and drops the oldest): use more --partitions or fewer --rows");

            await using var dataSource = NpgsqlDataSource.Create(target.ConnectionString);
            await new SchemaMigrator(new PostgreSqlMigrationTarget(dataSource), PostgreSqlSchema.Migrations, loggers.CreateLogger<SchemaMigrator>()).MigrateAsync(ct);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var totals = await ImportAsync(clients, dataSource, options, "gds-dw-importer", loggers, ct);
            sw.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

            log.LogInformation("Importing the same records again under another consumer group: every row must be there already");
            var again = Stopwatch.StartNew();
            var reimport = await ImportAsync(clients, dataSource, options, "gds-bench-dw-reimport", loggers, ct);
            again.Stop();
            await using var count = dataSource.CreateCommand($"SELECT count(*) FROM {PostgreSqlSchema.FactTable}");
            var factRows = (long)(await count.ExecuteScalarAsync(ct))!;
            return new DwBenchmarkResult(options.Rows, LabelledShare, produceTime, sw.Elapsed, cpu, totals, again.Elapsed, reimport, factRows, database);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!options.KeepDatabase) await ExecuteAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task<ImportTotals> ImportAsync(KafkaClientFactory clients, NpgsqlDataSource dataSource, DwBenchmarkOptions options, string group,
        ILoggerFactory loggers, CancellationToken ct)
    {
        await using var loader = new PostgreSqlLoader(dataSource, loggers.CreateLogger<PostgreSqlLoader>(), parallelism: options.LoadSessions);
        using var importer = new WarehouseImporter(clients, loader, null, Options.Create(new ImporterOptions
        {
            GroupId = group,
            // A long delay: the benchmark measures full batches, not the latency bound.
            Batch = new BatchOptions { MaxRows = options.BatchRows, MaxDelay = TimeSpan.FromSeconds(5) },
            ProgressInterval = TimeSpan.FromSeconds(5),
        }), loggers.CreateLogger<WarehouseImporter>());
        return await importer.RunAsync(drain: true, ct);
    }

    private static TimeSpan Produce(KafkaClientFactory clients, DwBenchmarkOptions o, CancellationToken ct)
    {
        var config = clients.ProducerConfig("gds-bench-dw");
        config.LingerMs = 20;
        config.BatchSize = 1_000_000;
        config.QueueBufferingMaxMessages = 1_000_000;
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        var sw = Stopwatch.StartNew();
        var perStep = o.Instances * Series.Count;
        for (var i = 0; i < o.Rows; i++)
        {
            ct.ThrowIfCancellationRequested();
            var instance = i % o.Instances;
            var series = Series[(i / o.Instances) % Series.Count];
            var type = DatabaseTypes.All[instance % DatabaseTypes.All.Count];
            var env = TopicNames.DefaultEnvironments[instance % TopicNames.DefaultEnvironments.Count];
            var m = new Metric
            {
                // Every record a distinct series (instance, metric, labels) and time: a 15 s collection interval,
                // over about a day; the per-database and per-mode readings share their time and metric name.
                Timestamp = Start.AddSeconds(15L * (i / perStep)),
                DatabaseType = type,
                InstanceId = $"{env}-{type}-{instance:D5}",
                MetricName = series.Metric,
                Value = i % 1000 / 10.0,
                Tags = new Dictionary<string, string> { ["environment"] = env, ["region"] = instance % 2 == 0 ? "us-east-1" : "eu-west-1" },
                Labels = series.Labels,
                Metadata = new MetricMetadata { CollectionDurationMs = 100 + i % 50, CorrelationId = Guid.NewGuid().ToString() },
            };
            var message = new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes(m.InstanceId), Value = GdsJson.Serialize(m) };
            while (true)
            {
                try
                {
                    producer.Produce(TopicNames.Metrics(type, env), message);
                    break;
                }
                catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        producer.Flush(ct);
        return sw.Elapsed;
    }

    /// <summary>Records still in the metric topics: the embedded broker silently drops the oldest past its size cap.</summary>
    private static long Retained(KafkaClientFactory clients)
    {
        using var consumer = clients.CreateByteConsumer("gds-bench-dw-probe", "gds-bench-dw-probe");
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        long total = 0;
        foreach (var topic in admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Where(t => TopicNames.IsMetricsTopic(t.Topic)))
        foreach (var p in topic.Partitions)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic.Topic, p.PartitionId), TimeSpan.FromSeconds(10));
            total += w.High.Value - w.Low.Value;
        }
        return total;
    }

    /// <summary>
    /// The 25 series of every instance: 13 read once per instance, 9 per database (three databases) and 3 per lock
    /// mode, so about half the samples are labelled, as in a scrape of a PostgreSQL server with a few databases.
    /// </summary>
    private static readonly IReadOnlyList<(string Metric, IReadOnlyDictionary<string, string> Labels)> Series =
    [
        .. new[]
        {
            "cpu_usage_percent", "memory_used_bytes", "connections_active", "replication_lag_seconds", "xact_commit_total",
            "disk_used_bytes", "cache_hit_ratio", "query_latency_ms", "locks_waiting", "deadlocks_total",
            "sessions_idle", "checkpoints_timed_total", "wal_bytes_total",
        }.Select(m => (m, SeriesLabels.None)),
        .. from metric in new[] { "database_size_bytes", "database_xact_commit_total", "database_backends" }
           from database in new[] { "postgres", "orders", "billing" }
           select (metric, (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["database"] = database }),
        .. new[] { "access_share", "row_exclusive", "exclusive" }
            .Select(mode => ("locks", (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["mode"] = mode })),
    ];

    private static double LabelledShare => Series.Count(s => s.Labels.Count > 0) / (double)Series.Count;

    private static async Task ExecuteAsync(string connection, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
