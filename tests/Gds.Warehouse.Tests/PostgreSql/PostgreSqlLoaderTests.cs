using Gds.Warehouse.Dimensions;

namespace Gds.Warehouse.Tests.PostgreSql;

public sealed class PostgreSqlLoaderTests(PostgresServer pg) : IClassFixture<PostgresServer>
{
    private static readonly DateTimeOffset Day = new(2025, 1, 15, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_lands_as_facts_with_their_dimensions_each_day_in_its_own_partition()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        var batch = Samples.Batch([
            Samples.Metric("prod-db-01", "cpu_usage_percent", Day, 85.5, correlation: "7f9c1c7e-8b61-4d9d-9a10-9b3a6a7b1234"),
            Samples.Metric("prod-db-01", "xact_commit_total", Day, 1200),
            Samples.Metric("prod-db-02", "replication_lag_seconds", Day.AddSeconds(30), 2.5, region: "eu-west-1"),
            // Two days late: must go to the 13th's partition, not today's.
            Samples.Metric("prod-db-01", "cpu_usage_percent", Day.AddDays(-2), 40),
        ]);

        var result = await loader.LoadAsync(batch, CancellationToken.None);

        Assert.Equal(4, result.Inserted);
        var rows = await ds.RowsAsync(
            """
            SELECT f.tableoid::regclass::text, s.instance_id, s.metric_name, s.unit, s.kind, s.value, s.region, s.day, s.collection_duration_ms
            FROM dw.sample s JOIN dw.fact_sample f ON f.sample_time = s.sample_time AND f.value = s.value
            ORDER BY s.sample_time, s.metric_name
            """);
        Assert.Equal(4, rows.Count);
        Assert.Equal(["dw.fact_sample_20250113", "prod-db-01", "cpu_usage_percent", "percent", "gauge", 40.0, "us-east-1", new DateOnly(2025, 1, 13), 150.0], rows[0]);
        Assert.Equal(["dw.fact_sample_20250115", "prod-db-01", "cpu_usage_percent", "percent", "gauge", 85.5, "us-east-1", new DateOnly(2025, 1, 15), 150.0], rows[1]);
        Assert.Equal(["dw.fact_sample_20250115", "prod-db-01", "xact_commit_total", "count", "counter", 1200.0, "us-east-1", new DateOnly(2025, 1, 15), 150.0], rows[2]);
        Assert.Equal(["dw.fact_sample_20250115", "prod-db-02", "replication_lag_seconds", "seconds", "gauge", 2.5, "eu-west-1", new DateOnly(2025, 1, 15), 150.0], rows[3]);
        Assert.Equal("7f9c1c7e-8b61-4d9d-9a10-9b3a6a7b1234",
            await ds.ScalarAsync<string>("SELECT correlation_id FROM dw.sample WHERE value = 85.5"));
        Assert.Equal(3, await ds.ScalarAsync<int>("SELECT day_of_week FROM dw.dim_date WHERE date_key = 20250115")); // a Wednesday
        Assert.Equal("production", await ds.ScalarAsync<string>("SELECT tags->>'environment' FROM dw.dim_instance WHERE instance_id = 'prod-db-02'"));
    }

    [Fact]
    public async Task Reloading_the_same_batch_adds_no_rows()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        var batch = Samples.Batch(Enumerable.Range(0, 500).Select(i =>
            Samples.Metric($"db-{i % 10}", $"m{i % 7}_bytes", Day.AddSeconds(i), i)));

        var first = await loader.LoadAsync(batch, CancellationToken.None);
        var second = await loader.LoadAsync(batch, CancellationToken.None);
        // A fresh loader (a restarted importer) reloading it too.
        await using var restarted = new PostgreSqlLoader(ds, NullLogger.Instance);
        var third = await restarted.LoadAsync(Samples.Batch(batch.Rows.Count == 500
            ? Enumerable.Range(0, 500).Select(i => Samples.Metric($"db-{i % 10}", $"m{i % 7}_bytes", Day.AddSeconds(i), i))
            : []), CancellationToken.None);

        Assert.Equal((500, 0), (first.Inserted, first.Duplicates));
        Assert.Equal((0, 500), (second.Inserted, second.Duplicates));
        Assert.Equal((0, 500), (third.Inserted, third.Duplicates));
        Assert.Equal(500, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
        Assert.Equal(10, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.dim_instance"));
        Assert.Equal(7, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.dim_metric"));
    }

    [Fact]
    public async Task Readings_of_one_metric_per_database_at_one_time_are_a_row_each_with_their_labels_in_the_view()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        Dictionary<string, string> Db(string name) => new() { ["database"] = name };
        var scrape = new[]
        {
            Samples.Metric("pg-1", "pg_database_size_bytes", Day, 100, labels: Db("postgres")),
            Samples.Metric("pg-1", "pg_database_size_bytes", Day, 200, labels: Db("orders")),
            Samples.Metric("pg-1", "pg_database_size_bytes", Day, 300, labels: Db("billing \"eu\"")),
            Samples.Metric("pg-1", "pg_locks", Day, 7, labels: new Dictionary<string, string> { ["mode"] = "share", ["database"] = "orders" }),
            Samples.Metric("pg-1", "pg_databases_size_bytes", Day, 600),
            // Another instance with the same database: its own series, the same label set.
            Samples.Metric("pg-2", "pg_database_size_bytes", Day, 50, labels: Db("orders")),
        };

        var first = await loader.LoadAsync(Samples.Batch(scrape), CancellationToken.None);
        var again = await loader.LoadAsync(Samples.Batch(scrape), CancellationToken.None);

        Assert.Equal((6, 0), (first.Inserted, first.Duplicates));
        Assert.Equal((0, 6), (again.Inserted, again.Duplicates));
        var rows = await ds.RowsAsync("SELECT instance_id, metric_name, labels_text, labels->>'database', value FROM dw.sample ORDER BY instance_id, metric_name, value");
        Assert.Equal([
            ["pg-1", "pg_database_size_bytes", "{database=\"postgres\"}", "postgres", 100.0],
            ["pg-1", "pg_database_size_bytes", "{database=\"orders\"}", "orders", 200.0],
            ["pg-1", "pg_database_size_bytes", "{database=\"billing \\\"eu\\\"\"}", "billing \"eu\"", 300.0],
            ["pg-1", "pg_databases_size_bytes", "", null, 600.0],
            ["pg-1", "pg_locks", "{database=\"orders\",mode=\"share\"}", "orders", 7.0],
            ["pg-2", "pg_database_size_bytes", "{database=\"orders\"}", "orders", 50.0],
        ], rows);
        // One dimension row per distinct label set, plus the schema's own for "no labels".
        Assert.Equal(5, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.dim_series_labels"));
    }

    [Fact]
    public async Task A_metric_row_written_with_a_unit_guessed_from_its_name_takes_the_catalogues_unit_when_the_metric_comes_again()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        // As an importer from before the catalogue wrote it: "_up" says nothing, so the unit was "none".
        await using (var old = ds.CreateCommand("INSERT INTO dw.dim_metric VALUES (@k, 'gds_collector_up', 'none', 'gauge')"))
        {
            old.Parameters.AddWithValue("k", DimensionKeys.Metric("gds_collector_up"));
            await old.ExecuteNonQueryAsync();
        }

        await loader.LoadAsync(Samples.Batch([
            Samples.Metric("db-1", "gds_collector_up", Day, 1),
            Samples.Metric("db-1", "orders_shipped_total", Day, 5),
        ]), CancellationToken.None);

        Assert.Equal([["gds_collector_up", "boolean", "gauge"], ["orders_shipped_total", "count", "counter"]],
            await ds.RowsAsync("SELECT metric_name, unit, kind FROM dw.dim_metric ORDER BY 1"));
    }

    [Fact]
    public async Task The_same_sample_twice_in_one_batch_is_one_row()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        var m = Samples.Metric("db-1", "cpu_usage_percent", Day, 10);

        var result = await loader.LoadAsync(Samples.Batch([m, m with { }]), CancellationToken.None);

        Assert.Equal((1, 1), (result.Inserted, result.Duplicates));
    }

    [Fact]
    public async Task A_batch_partly_loaded_before_inserts_only_its_new_rows_and_keeps_the_stored_values()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        // Enough rows for two slices, so both sessions meet rows that are already there.
        var metrics = Enumerable.Range(0, 50_000).Select(i => Samples.Metric($"db-{i % 50}", $"m{i / 50 % 5}_bytes", Day.AddSeconds(i / 250), i)).ToList();
        await loader.LoadAsync(Samples.Batch(metrics.Where((_, i) => i % 3 == 0)), CancellationToken.None);

        // The whole set again, the old rows with other values: the append by COPY fails on the key, the merge skips them.
        var result = await loader.LoadAsync(Samples.Batch(metrics.Select(m => m with { Value = -1 })), CancellationToken.None);

        var before = metrics.Count(m => (int)m.Value % 3 == 0);
        Assert.Equal((metrics.Count - before, before), (result.Inserted, result.Duplicates));
        Assert.Equal(metrics.Count, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
        Assert.Equal(before, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample WHERE value >= 0"));
        Assert.Equal(0, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample WHERE value >= 0 AND value::bigint % 3 <> 0"));

        // And a batch of only new rows after that appends again.
        var next = await loader.LoadAsync(Samples.Batch([Samples.Metric("db-1", "m1_bytes", Day.AddHours(5), 7)]), CancellationToken.None);
        Assert.Equal((1, 0), (next.Inserted, next.Duplicates));
    }

    [Fact]
    public async Task Every_column_survives_the_binary_copy_exactly()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        var registry = new DimensionRegistry();
        var longId = new string('x', 100_000) + "ü";
        var beforeEpoch = new DateTimeOffset(1999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero).AddTicks(9999); // sub-microsecond: truncated
        var metrics = new[]
        {
            Samples.Metric("db-1", "a_seconds", Day.AddTicks(1234567), -0.0, correlation: "ünïcødé ✓ 𝄞"),
            Samples.Metric("db-1", "b_seconds", Day, double.MaxValue, correlation: longId),
            Samples.Metric("db-1", "c_seconds", beforeEpoch, double.Epsilon) with { Metadata = null },
        };
        var now = DateTimeOffset.UtcNow;
        await loader.LoadAsync(Samples.Batch(metrics, registry), CancellationToken.None);

        var rows = await ds.RowsAsync(
            """
            SELECT metric_name, sample_time, value, collection_duration_ms, correlation_id, day, to_char(sample_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')
            FROM dw.sample ORDER BY metric_name
            """);
        Assert.Equal(3, rows.Count);
        Assert.Equal(["a_seconds", -0.0, 150.0, "ünïcødé ✓ 𝄞", new DateOnly(2025, 1, 15), "2025-01-15 10:30:00.123456"], [rows[0][0], rows[0][2], rows[0][3], rows[0][4], rows[0][5], rows[0][6]]);
        Assert.Equal([double.MaxValue, longId], [rows[1][2], rows[1][4]]);
        Assert.Equal([double.Epsilon, null, null, new DateOnly(1999, 12, 31), "1999-12-31 23:59:59.999999"], [rows[2][2], rows[2][3], rows[2][4], rows[2][5], rows[2][6]]);
    }

    [Fact]
    public async Task New_tags_of_an_instance_replace_the_old_ones_in_its_dimension_row()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        var registry = new DimensionRegistry();
        await loader.LoadAsync(Samples.Batch([Samples.Metric("db-1", "cpu_usage_percent", Day, 1, region: "us-east-1")], registry), CancellationToken.None);

        await loader.LoadAsync(Samples.Batch([Samples.Metric("db-1", "cpu_usage_percent", Day.AddMinutes(1), 2, region: "us-west-2")], registry), CancellationToken.None);

        Assert.Equal("us-west-2", await ds.ScalarAsync<string>("SELECT region FROM dw.dim_instance WHERE instance_id = 'db-1'"));
        Assert.Equal(1, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.dim_instance"));
        Assert.Equal(2, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.sample WHERE region = 'us-west-2'"));
    }

    [Fact]
    public async Task Retention_drops_whole_day_partitions_older_than_the_horizon()
    {
        await using var ds = await pg.CreateWarehouseAsync();
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        var now = new DateTimeOffset(2025, 3, 20, 12, 0, 0, TimeSpan.Zero);
        await loader.LoadAsync(Samples.Batch(new[] { -10, -5, -3, -1, 0 }.SelectMany(d =>
            Enumerable.Range(0, 24).Select(h => Samples.Metric("db-1", "cpu_usage_percent", now.Date.AddDays(d).AddHours(h), h)))), CancellationToken.None);

        // 3 days: the horizon is 17 March 12:00, so the 17th (partly newer) stays and the 15th and 10th go.
        var dropped = await new PostgreSqlRetention(ds, NullLogger.Instance).DropOlderThanAsync(now.AddDays(-3), CancellationToken.None);

        Assert.Equal([new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 15)], dropped);
        var partitions = (await ds.RowsAsync(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'dw.fact_sample'::regclass ORDER BY 1"))
            .Select(r => (string)r[0]!).ToList();
        Assert.Equal(["fact_sample_20250317", "fact_sample_20250319", "fact_sample_20250320"], partitions);
        Assert.Equal(72, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
        Assert.Empty(await new PostgreSqlRetention(ds, NullLogger.Instance).DropOlderThanAsync(now.AddDays(-3), CancellationToken.None));

        // The loader notices the dropped partitions and recreates one for a late sample of that day.
        var late = await loader.LoadAsync(Samples.Batch([Samples.Metric("db-1", "cpu_usage_percent", now.AddDays(-5), 99)]), CancellationToken.None);
        Assert.Equal(1, late.Inserted);
        Assert.Equal("dw.fact_sample_20250315", await ds.ScalarAsync<string>("SELECT tableoid::regclass::text FROM dw.fact_sample WHERE value = 99"));
    }
}
