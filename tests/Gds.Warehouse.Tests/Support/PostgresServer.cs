using Gds.Warehouse.Schema;

namespace Gds.Warehouse.Tests.Support;

/// <summary>
/// The real PostgreSQL that scripts/services.sh starts (GDS_TEST_PG_CONNECTION). Every test gets a database of
/// its own, dropped when the class is done, so tests never see each other's partitions or rows.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly List<string> _databases = [];

    public static string AdminConnection =>
        Environment.GetEnvironmentVariable("GDS_TEST_PG_CONNECTION")
        ?? throw new InvalidOperationException(
            "GDS_TEST_PG_CONNECTION is not set: these tests need a real PostgreSQL. Run ./test.sh, or eval \"$(scripts/services.sh start)\" first.");

    /// <summary>A new empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = await CreateDatabaseNamedAsync("wh");
        return new NpgsqlConnectionStringBuilder(AdminConnection) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>A new empty database whose name starts gds_<paramref name="purpose"/>_; returns its name.</summary>
    public async Task<string> CreateDatabaseNamedAsync(string purpose)
    {
        var name = $"gds_{purpose}_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(AdminConnection))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        lock (_databases) _databases.Add(name);
        return name;
    }

    /// <summary>A new database with the warehouse schema already migrated.</summary>
    public async Task<NpgsqlDataSource> CreateWarehouseAsync()
    {
        var ds = NpgsqlDataSource.Create(await CreateDatabaseAsync());
        await new SchemaMigrator(new PostgreSqlMigrationTarget(ds), PostgreSqlSchema.Migrations, NullLogger.Instance).MigrateAsync(CancellationToken.None);
        return ds;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(AdminConnection);
        await conn.OpenAsync();
        foreach (var db in _databases)
        {
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {db} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}

public static class Sql
{
    public static async Task<T> ScalarAsync<T>(this NpgsqlDataSource ds, string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        var value = await cmd.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T));
    }

    public static async Task<List<object?[]>> RowsAsync(this NpgsqlDataSource ds, string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
