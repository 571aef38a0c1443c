using Gds.Warehouse.PostgreSql;
using Gds.Warehouse.Schema;
using Gds.Warehouse.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

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
        Assert.Equal(["dim_date", "dim_instance", "dim_metric", "fact_sample", "schema_migrations"], tables);
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
        Assert.Contains("needs 2", ex.Message);
        Assert.Equal(1, await Migrator(ds).MigrateAsync(CancellationToken.None));
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
}
