using Gds.Snowflake;
using System.Globalization;

namespace Gds.Warehouse.Snowflake;

/// <summary>
/// Runs migrations through the SQL API. Snowflake has no advisory locks, so concurrent --init runs are not
/// serialised; every migration statement is idempotent, and a second run records nothing twice because the
/// history insert is a MERGE.
/// </summary>
public sealed class SnowflakeMigrationTarget(SnowflakeStatementClient sql) : IMigrationTarget
{
    public Task<IAsyncDisposable> LockAsync(CancellationToken ct) => Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public Task EnsureHistoryAsync(CancellationToken ct) => sql.ExecuteAsync(
        """
        CREATE TABLE IF NOT EXISTS SCHEMA_MIGRATIONS (
            VERSION NUMBER(9,0) NOT NULL PRIMARY KEY, NAME VARCHAR NOT NULL, CHECKSUM VARCHAR NOT NULL,
            APPLIED_AT TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP())
        """, null, ct);

    public async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(CancellationToken ct)
    {
        var result = await sql.ExecuteAsync("SELECT VERSION, CHECKSUM FROM SCHEMA_MIGRATIONS ORDER BY VERSION", null, ct);
        return result.Rows.Select(r => new AppliedMigration(int.Parse(r[0]!, CultureInfo.InvariantCulture), r[1]!)).ToList();
    }

    public async Task ApplyAsync(Migration migration, CancellationToken ct)
    {
        foreach (var statement in migration.Statements) await sql.ExecuteAsync(statement, null, ct);
        await sql.ExecuteAsync(
            """
            MERGE INTO SCHEMA_MIGRATIONS t USING (SELECT ? AS VERSION, ? AS NAME, ? AS CHECKSUM) s ON t.VERSION = s.VERSION
            WHEN NOT MATCHED THEN INSERT (VERSION, NAME, CHECKSUM) VALUES (s.VERSION, s.NAME, s.CHECKSUM)
            """,
            new Dictionary<string, Binding>
            {
                ["1"] = Binding.Fixed(migration.Version),
                ["2"] = Binding.Text(migration.Name),
                ["3"] = Binding.Text(migration.Checksum),
            }, ct);
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
