using Npgsql;

namespace Gds.Warehouse.PostgreSql;

/// <summary>Runs migrations in PostgreSQL: each in its own transaction together with its history row.</summary>
public sealed class PostgreSqlMigrationTarget(NpgsqlDataSource dataSource) : IMigrationTarget
{
    private static readonly long LockKey = 0x6764735f64770001; // "gds_dw" + 1: an arbitrary, fixed advisory lock id

    public async Task<IAsyncDisposable> LockAsync(CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(@k)", conn);
            cmd.Parameters.AddWithValue("k", LockKey);
            await cmd.ExecuteNonQueryAsync(ct);
            return new AdvisoryLock(conn);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public async Task EnsureHistoryAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
             CREATE SCHEMA IF NOT EXISTS {PostgreSqlSchema.Name};
             CREATE TABLE IF NOT EXISTS {PostgreSqlSchema.Name}.schema_migrations (
                 version    integer     PRIMARY KEY,
                 name       text        NOT NULL,
                 checksum   text        NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now()
             );
             """, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT version, checksum FROM {PostgreSqlSchema.Name}.schema_migrations ORDER BY version", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<AppliedMigration>();
        while (await reader.ReadAsync(ct)) list.Add(new AppliedMigration(reader.GetInt32(0), reader.GetString(1)));
        return list;
    }

    public async Task ApplyAsync(Migration migration, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var sql in migration.Statements)
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var record = new NpgsqlCommand(
                         $"INSERT INTO {PostgreSqlSchema.Name}.schema_migrations (version, name, checksum) VALUES (@v, @n, @c)", conn, tx))
        {
            record.Parameters.AddWithValue("v", migration.Version);
            record.Parameters.AddWithValue("n", migration.Name);
            record.Parameters.AddWithValue("c", migration.Checksum);
            await record.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private sealed class AdvisoryLock(NpgsqlConnection conn) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", conn);
                cmd.Parameters.AddWithValue("k", LockKey);
                await cmd.ExecuteNonQueryAsync();
            }
            finally
            {
                // Closing the session releases the lock even if the unlock failed.
                await conn.DisposeAsync();
            }
        }
    }
}
