using Npgsql;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// A database of one test's own on the real test PostgreSQL (a warehouse, a database to watch), named with a random
/// suffix so that tests running side by side never share one; dropped on dispose, with whatever is still connected.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private TestDatabase(string admin, NpgsqlConnectionStringBuilder connection)
    {
        _admin = admin;
        Connection = connection;
    }

    /// <summary>The new database's connection: the admin connection's server and user.</summary>
    public NpgsqlConnectionStringBuilder Connection { get; }
    public string Name => Connection.Database!;

    /// <param name="admin">a connection that may create databases</param>
    /// <param name="prefix">the name's start, e.g. gds_avro</param>
    public static async Task<TestDatabase> CreateAsync(string admin, string prefix)
    {
        var connection = new NpgsqlConnectionStringBuilder(admin) { Database = prefix + "_" + Guid.NewGuid().ToString("N")[..8] };
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {connection.Database}", conn).ExecuteNonQueryAsync();
        return new TestDatabase(admin, connection);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
    }
}
