using System.Text.Json;
using Gds.Warehouse.Dimensions;
using Gds.Warehouse.Schema;

namespace Gds.Warehouse.Tests.Snowflake;

public sealed class SnowflakeWarehouseTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2025, 1, 15, 10, 30, 0, TimeSpan.Zero);
    private readonly SnowflakeFake _fake = new();

    private SnowflakeWarehouse Warehouse(string extra = "") =>
        new(_fake.Connection(extra), new LoadRetryOptions { MaxAttempts = 0 }, NullLoggerFactory.Instance);

    [Fact]
    public async Task A_batch_is_staged_with_array_bindings_merged_by_key_and_cleared_from_the_stage()
    {
        _fake.On("MERGE INTO FACT_SAMPLE", 200, SnowflakeFake.Success([["3"]], new { numRowsInserted = 3 }));
        await using var warehouse = Warehouse("rows_per_insert=2");
        var batch = Samples.Batch([
            Samples.Metric("prod-db-01", "cpu_usage_percent", Day, 85.5, correlation: "c-1"),
            Samples.Metric("prod-db-01", "xact_commit_total", Day, 1200),
            Samples.Metric("prod-db-02", "cpu_usage_percent", Day.AddDays(-1), 40, region: "eu-west-1"),
        ]);

        var result = await warehouse.Loader.LoadAsync(batch, CancellationToken.None);

        Assert.Equal((3, 0), (result.Inserted, result.Duplicates));
        var statements = _fake.Statements();
        Assert.Collection(statements,
            s => Assert.StartsWith("MERGE INTO DIM_DATE", s),
            s => Assert.StartsWith("MERGE INTO DIM_INSTANCE", s),
            s => Assert.StartsWith("MERGE INTO DIM_METRIC", s),
            s => Assert.StartsWith("INSERT INTO STAGE_SAMPLE", s),
            s => Assert.StartsWith("INSERT INTO STAGE_SAMPLE", s),
            s => Assert.StartsWith("MERGE INTO FACT_SAMPLE", s),
            s => Assert.StartsWith("DELETE FROM STAGE_SAMPLE", s));
        var inserts = _fake.Bodies().Where(b => b.GetProperty("statement").GetString()!.StartsWith("INSERT")).ToList();
        // rows_per_insert=2: two requests, the rows bound as arrays, one array element per row.
        var values = inserts.SelectMany(b => b.GetProperty("bindings").GetProperty("6").GetProperty("value").EnumerateArray().Select(v => v.GetString())).ToList();
        Assert.Equal(["85.5", "1200", "40"], values);
        Assert.Equal("REAL", inserts[0].GetProperty("bindings").GetProperty("6").GetProperty("type").GetString());
        Assert.Equal("2025-01-15T10:30:00.0000000+00:00", inserts[0].GetProperty("bindings").GetProperty("2").GetProperty("value")[0].GetString());
        Assert.Equal("c-1", inserts[0].GetProperty("bindings").GetProperty("8").GetProperty("value")[0].GetString());
        // The same batch id ties stage rows, merge and clean-up together.
        var batchIds = inserts.SelectMany(b => b.GetProperty("bindings").GetProperty("1").GetProperty("value").EnumerateArray().Select(v => v.GetString())).Distinct().ToList();
        var mergeBatch = _fake.Bodies().Single(b => b.GetProperty("statement").GetString()!.StartsWith("MERGE INTO FACT_SAMPLE")).GetProperty("bindings").GetProperty("1").GetProperty("value").GetString();
        Assert.Equal([mergeBatch], batchIds);
        var dimInstance = _fake.Bodies()[1].GetProperty("bindings");
        Assert.Equal(12, dimInstance.EnumerateObject().Count()); // two instances, six columns each
    }

    [Fact]
    public async Task Reloading_a_batch_snowflake_already_has_counts_its_rows_as_duplicates()
    {
        _fake.On("MERGE INTO FACT_SAMPLE", 200, SnowflakeFake.Success([["0"]], new { numRowsInserted = 0 }));
        await using var warehouse = Warehouse();
        var batch = Samples.Batch([Samples.Metric("db-1", "cpu_usage_percent", Day, 1), Samples.Metric("db-1", "cpu_usage_percent", Day.AddMinutes(1), 2)]);

        var result = await warehouse.Loader.LoadAsync(batch, CancellationToken.None);

        Assert.Equal((0, 2), (result.Inserted, result.Duplicates));
    }

    [Fact]
    public async Task Init_on_an_empty_warehouse_applies_every_migration_and_on_a_current_one_does_nothing()
    {
        await using var warehouse = Warehouse();

        var applied = await warehouse.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(SnowflakeSchema.Migrations.Count, applied);
        var statements = _fake.Statements();
        Assert.StartsWith("CREATE TABLE IF NOT EXISTS SCHEMA_MIGRATIONS", statements[0]);
        Assert.Contains(statements, s => s.Contains("CREATE TABLE IF NOT EXISTS FACT_SAMPLE") && s.Contains("CLUSTER BY (DATE_KEY)"));
        Assert.Equal(SnowflakeSchema.Migrations.Count, statements.Count(s => s.StartsWith("MERGE INTO SCHEMA_MIGRATIONS")));

        // Second --init: the history lists every version with its checksum, so nothing runs.
        var history = SnowflakeSchema.Migrations.Select(m => new string?[] { m.Version.ToString(), m.Checksum });
        _fake.On("SELECT VERSION, CHECKSUM FROM SCHEMA_MIGRATIONS", 200, SnowflakeFake.Success(history));
        _fake.Server.ResetLogEntries();

        var second = await warehouse.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(0, second);
        Assert.DoesNotContain(_fake.Statements(), s => s.StartsWith("CREATE TABLE IF NOT EXISTS FACT_SAMPLE") || s.StartsWith("MERGE"));
    }

    [Fact]
    public async Task Labelled_readings_are_staged_with_their_labels_key_and_merged_by_a_key_that_includes_it()
    {
        _fake.On("MERGE INTO FACT_SAMPLE", 200, SnowflakeFake.Success([["3"]], new { numRowsInserted = 3 }));
        await using var warehouse = Warehouse();
        var orders = new Dictionary<string, string> { ["database"] = "orders" };
        var batch = Samples.Batch([
            Samples.Metric("pg-1", "pg_database_size_bytes", Day, 1, labels: orders),
            Samples.Metric("pg-1", "pg_database_size_bytes", Day, 2, labels: new Dictionary<string, string> { ["database"] = "billing" }),
            Samples.Metric("pg-1", "pg_databases_size_bytes", Day, 3),
        ]);

        var result = await warehouse.Loader.LoadAsync(batch, CancellationToken.None);

        Assert.Equal((3, 0), (result.Inserted, result.Duplicates));
        var bodies = _fake.Bodies();
        string Statement(JsonElement b) => b.GetProperty("statement").GetString()!;
        var labels = bodies.Single(b => Statement(b).StartsWith("MERGE INTO DIM_SERIES_LABELS")).GetProperty("bindings");
        Assert.Equal(6, labels.EnumerateObject().Count()); // two label sets, three columns each; "no labels" comes with the schema
        Assert.Equal(["{database=\"billing\"}", "{database=\"orders\"}"],
            new[] { "3", "6" }.Select(i => labels.GetProperty(i).GetProperty("value").GetString()).Order());
        var insert = bodies.Single(b => Statement(b).StartsWith("INSERT INTO STAGE_SAMPLE"));
        Assert.Contains("LABELS_KEY", Statement(insert));
        Assert.Equal("FIXED", insert.GetProperty("bindings").GetProperty("9").GetProperty("type").GetString());
        Assert.Equal(
            [DimensionKeys.Labels("{database=\"orders\"}").ToString(), DimensionKeys.Labels("{database=\"billing\"}").ToString(), "0"],
            insert.GetProperty("bindings").GetProperty("9").GetProperty("value").EnumerateArray().Select(v => v.GetString()));
        var merge = Statement(bodies.Single(b => Statement(b).StartsWith("MERGE INTO FACT_SAMPLE")));
        Assert.Contains("f.LABELS_KEY = s.LABELS_KEY", merge);
        Assert.Contains("PARTITION BY INSTANCE_KEY, METRIC_KEY, LABELS_KEY,", merge);
    }

    [Fact]
    public async Task Migrating_a_v2_warehouse_adds_the_labels_dimension_and_gives_every_fact_the_no_labels_key()
    {
        var v2 = SnowflakeSchema.Migrations.Where(m => m.Version <= 2).Select(m => new string?[] { m.Version.ToString(), m.Checksum });
        _fake.On("SELECT VERSION, CHECKSUM FROM SCHEMA_MIGRATIONS", 200, SnowflakeFake.Success(v2));
        await using var warehouse = Warehouse();

        var applied = await warehouse.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(SnowflakeSchema.Migrations.Count(m => m.Version > 2), applied);
        var statements = _fake.Statements();
        Assert.DoesNotContain(statements, s => s.Contains("CREATE TABLE IF NOT EXISTS FACT_SAMPLE"));
        var order = new[]
        {
            "CREATE TABLE IF NOT EXISTS DIM_SERIES_LABELS",
            "MERGE INTO DIM_SERIES_LABELS",
            "ALTER TABLE FACT_SAMPLE ADD COLUMN IF NOT EXISTS LABELS_KEY NUMBER(19,0) NOT NULL DEFAULT 0",
            "ALTER TABLE STAGE_SAMPLE ADD COLUMN IF NOT EXISTS LABELS_KEY",
            "ALTER TABLE FACT_SAMPLE DROP PRIMARY KEY",
            "ALTER TABLE FACT_SAMPLE ADD PRIMARY KEY (INSTANCE_KEY, METRIC_KEY, LABELS_KEY, SAMPLE_TIME)",
            "JOIN DIM_SERIES_LABELS l ON l.LABELS_KEY = f.LABELS_KEY",
            "MERGE INTO SCHEMA_MIGRATIONS",
        }.Select(fragment => statements.FindIndex(s => s.Contains(fragment))).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
        // The view keeps every column it had, in place: dependent views and reports still work.
        Assert.Contains("i.TAGS, l.LABELS, l.LABELS_TEXT", statements.Single(s => s.Contains("CREATE OR REPLACE VIEW SAMPLE")));
    }

    [Fact]
    public async Task Retention_deletes_whole_days_before_the_horizon_by_the_clustering_key()
    {
        _fake.On("SELECT DISTINCT DATE_KEY", 200, SnowflakeFake.Success([["20250110"], ["20250111"]]));
        await using var warehouse = Warehouse();

        var dropped = await warehouse.Retention.DropOlderThanAsync(new DateTimeOffset(2025, 1, 12, 6, 0, 0, TimeSpan.Zero), CancellationToken.None);

        Assert.Equal([new DateOnly(2025, 1, 10), new DateOnly(2025, 1, 11)], dropped);
        var delete = _fake.Bodies().Single(b => b.GetProperty("statement").GetString() == "DELETE FROM FACT_SAMPLE WHERE DATE_KEY < ?");
        Assert.Equal("20250112", delete.GetProperty("bindings").GetProperty("1").GetProperty("value").GetString());
    }

    public void Dispose() => _fake.Dispose();
}
