using Gds.Warehouse.Dimensions;
using Gds.Warehouse.Schema;

namespace Gds.Warehouse.Tests.PostgreSql;

public sealed class PostgreSqlSchemaTests(PostgresServer pg) : IClassFixture<PostgresServer>
{
    private static SchemaMigrator Migrator(NpgsqlDataSource ds, IReadOnlyList<Migration>? migrations = null) =>
        new(new PostgreSqlMigrationTarget(ds), migrations ?? PostgreSqlSchema.Migrations, NullLogger.Instance);

    [Fact]
    public async Task Init_creates_the_star_schema_and_a_second_init_is_a_no_op()
    {
        await using var ds = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());

        var first = await Migrator(ds).MigrateAsync(CancellationToken.None);
        var second = await Migrator(ds).MigrateAsync(CancellationToken.None);

        Assert.Equal(PostgreSqlSchema.Migrations.Count, first);
        Assert.Equal(0, second);
        Assert.Equal(PostgreSqlSchema.Migrations.Count, await ds.ScalarAsync<int>("SELECT count(*) FROM dw.schema_migrations"));
        var tables = (await ds.RowsAsync("SELECT tablename FROM pg_tables WHERE schemaname = 'dw' ORDER BY 1")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(["dim_date", "dim_instance", "dim_metric", "dim_series_labels", "fact_sample", "schema_migrations"], tables);
        Assert.Equal("p", await ds.ScalarAsync<string>("SELECT c.relkind::text FROM pg_class c WHERE c.oid = 'dw.fact_sample'::regclass"));
        await Migrator(ds).VerifyAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Two_importers_initialising_at_once_apply_each_migration_once()
    {
        await using var ds = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());

        var applied = await Task.WhenAll(Migrator(ds).MigrateAsync(CancellationToken.None), Migrator(ds).MigrateAsync(CancellationToken.None));

        Assert.Equal(PostgreSqlSchema.Migrations.Count, applied.Sum());
    }

    [Fact]
    public async Task Starting_without_init_on_an_empty_database_says_to_run_init()
    {
        await using var ds = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());

        var ex = await Assert.ThrowsAsync<SchemaException>(() => Migrator(ds).VerifyAsync(CancellationToken.None));

        Assert.Contains("--init", ex.Message);
    }

    [Fact]
    public async Task A_warehouse_behind_the_importer_is_refused_until_migrated()
    {
        await using var ds = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());
        await Migrator(ds, PostgreSqlSchema.Migrations.Take(1).ToList()).MigrateAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<SchemaException>(() => Migrator(ds).VerifyAsync(CancellationToken.None));

        Assert.Contains("version 1", ex.Message);
        Assert.Contains($"needs {PostgreSqlSchema.Migrations.Max(m => m.Version)}", ex.Message);
        Assert.Equal(PostgreSqlSchema.Migrations.Count - 1, await Migrator(ds).MigrateAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_edited_released_migration_is_refused_with_its_version()
    {
        await using var ds = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());
        await Migrator(ds).MigrateAsync(CancellationToken.None);
        var edited = PostgreSqlSchema.Migrations.Select(m => m.Version == 2 ? m with { Statements = [.. m.Statements, "SELECT 1"] } : m).ToList();

        var ex = await Assert.ThrowsAsync<SchemaException>(() => Migrator(ds, edited).MigrateAsync(CancellationToken.None));

        Assert.Contains("migration 2", ex.Message);
        Assert.Contains("checksum", ex.Message);
    }

    [Fact]
    public async Task Migrating_a_v2_warehouse_keeps_every_row_as_an_unlabelled_sample_and_labelled_readings_then_load_as_rows_of_their_own()
    {
        await using var ds = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());
        await Migrator(ds, PostgreSqlSchema.Migrations.Where(m => m.Version <= 2).ToList()).MigrateAsync(CancellationToken.None);
        // What a v2 importer left: one instance, two metrics, a sample a minute over two UTC days (two partitions).
        var instance = DimensionKeys.Instance("postgresql", "production", "pg-1");
        var size = DimensionKeys.Metric("pg_database_size_bytes");
        await using (var v2 = ds.CreateCommand(
                         """
                         SELECT dw.ensure_day_partition(d) FROM (VALUES (date '2025-01-14'), (date '2025-01-15')) AS v(d);
                         INSERT INTO dw.dim_instance (instance_key, instance_id, database_type, environment, region, tags)
                         VALUES (@i, 'pg-1', 'postgresql', 'production', 'us-east-1', '{"environment":"production","region":"us-east-1"}');
                         INSERT INTO dw.dim_metric VALUES (@size, 'pg_database_size_bytes', 'bytes', 'gauge'), (@cpu, 'cpu_usage_percent', 'percent', 'gauge');
                         INSERT INTO dw.fact_sample (sample_time, date_key, instance_key, metric_key, value, collection_duration_ms, correlation_id)
                         SELECT t, to_char(t AT TIME ZONE 'UTC', 'YYYYMMDD')::integer, @i, m, extract(epoch FROM t), 150, 'c-' || extract(epoch FROM t)
                         FROM generate_series(timestamptz '2025-01-14 12:00Z', timestamptz '2025-01-15 11:59Z', interval '1 minute') AS t,
                              unnest(ARRAY[@size, @cpu]) AS m
                         """))
        {
            v2.Parameters.AddWithValue("i", instance);
            v2.Parameters.AddWithValue("size", size);
            v2.Parameters.AddWithValue("cpu", DimensionKeys.Metric("cpu_usage_percent"));
            await v2.ExecuteNonQueryAsync();
        }
        const string Totals = "SELECT count(*) || ' rows, ' || sum(value) || ' summed, ' || count(correlation_id) || ' correlation ids' FROM dw.sample";
        var before = await ds.ScalarAsync<string>(Totals);
        Assert.StartsWith("2880 rows", before);

        var applied = await Migrator(ds).MigrateAsync(CancellationToken.None);

        Assert.Equal(PostgreSqlSchema.Migrations.Count(m => m.Version > 2), applied);
        Assert.Equal(before, await ds.ScalarAsync<string>(Totals));
        Assert.Equal(2880, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample WHERE labels_key = 0"));
        Assert.Equal(2880, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.sample WHERE labels_text = '' AND labels = '{}'"));
        // The key changed on the partitioned table and on both partitions.
        var keys = (await ds.RowsAsync(
                """
                SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                WHERE i.indisprimary AND c.relnamespace = 'dw'::regnamespace AND c.relname LIKE 'fact_sample%' ORDER BY 1
                """))
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal(["fact_sample", "fact_sample_20250114", "fact_sample_20250115"], keys.Keys);
        Assert.All(keys.Values, k => Assert.EndsWith("(sample_time, instance_key, metric_key, labels_key)", k));

        // Each database's reading at a time the v2 warehouse already has is a row of its own; the unlabelled reading
        // is the row that was there. A sample of a new day gets a partition with the new key.
        await using var loader = new PostgreSqlLoader(ds, NullLogger.Instance);
        var at = new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
        var result = await loader.LoadAsync(Samples.Batch([
            Samples.Metric("pg-1", "pg_database_size_bytes", at, 1, labels: new Dictionary<string, string> { ["database"] = "orders" }),
            Samples.Metric("pg-1", "pg_database_size_bytes", at, 2, labels: new Dictionary<string, string> { ["database"] = "billing" }),
            Samples.Metric("pg-1", "pg_database_size_bytes", at, 3),
            Samples.Metric("pg-1", "pg_database_size_bytes", at.AddDays(1), 4, labels: new Dictionary<string, string> { ["database"] = "orders" }),
        ]), CancellationToken.None);

        Assert.Equal((3, 1), (result.Inserted, result.Duplicates));
        Assert.Equal(2883, await ds.ScalarAsync<long>("SELECT count(*) FROM dw.fact_sample"));
        Assert.Equal(["", "{database=\"billing\"}", "{database=\"orders\"}"],
            (await ds.RowsAsync("SELECT labels_text FROM dw.sample WHERE metric_name = 'pg_database_size_bytes' AND sample_time = '2025-01-15 10:00Z' ORDER BY 1"))
            .Select(r => (string)r[0]!));
        Assert.EndsWith("(sample_time, instance_key, metric_key, labels_key)", await ds.ScalarAsync<string>(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indisprimary AND i.indrelid = 'dw.fact_sample_20250116'::regclass"));
    }
}
