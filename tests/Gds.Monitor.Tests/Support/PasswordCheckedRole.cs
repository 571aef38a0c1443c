namespace Gds.Monitor.Tests.Support;

/// <summary>
/// The test server trusts every local connection, so a wrong password would still get in. This adds a role whose
/// password is really checked: one pg_hba.conf line for that role alone (first match wins), so every other user of
/// the shared server keeps the access it had.
/// </summary>
public static class PasswordCheckedRole
{
    public const string Name = "gds_collector_probe";
    public const string Password = "probe-password-1f4e";
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            await using var conn = new NpgsqlConnection(TestPostgres.Superuser);
            await conn.OpenAsync();
            await Exec(conn, $"""
                DO $$ BEGIN
                  CREATE ROLE {Name} LOGIN PASSWORD '{Password}' IN ROLE pg_monitor;
                EXCEPTION WHEN duplicate_object THEN NULL; END $$
                """);
            var hbaPath = (string)(await Scalar(conn, "SELECT current_setting('hba_file')"))!;
            var hba = (string)(await Scalar(conn, "SELECT pg_read_file(current_setting('hba_file'))"))!;
            if (!hba.Contains(Name, StringComparison.Ordinal))
            {
                var lines = new[] { $"host all {Name} 127.0.0.1/32 scram-sha-256" }
                    .Concat(hba.Replace("\t", "    ").Split('\n').Where(l => l.Length > 0)).ToArray();
                await Exec(conn, "CREATE TEMP TABLE hba_lines (n int, line text)");
                await using (var insert = new NpgsqlCommand("INSERT INTO hba_lines SELECT n, l FROM unnest(@lines::text[]) WITH ORDINALITY AS t(l, n)", conn))
                {
                    insert.Parameters.AddWithValue("lines", lines);
                    await insert.ExecuteNonQueryAsync();
                }
                await Exec(conn, $"COPY (SELECT line FROM hba_lines ORDER BY n) TO '{hbaPath.Replace("'", "''")}'");
                await Exec(conn, "SELECT pg_reload_conf()");
            }
        }
        finally
        {
            Gate.Release();
        }
        // The postmaster reloads asynchronously: wait until a wrong password is actually refused.
        var probe = new NpgsqlConnectionStringBuilder(TestPostgres.Superuser) { Username = Name, Password = "certainly-wrong", Pooling = false }.ConnectionString;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await using var c = new NpgsqlConnection(probe);
                await c.OpenAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == "28P01")
            {
                return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("pg_hba.conf change for the probe role did not take effect");
            await Task.Delay(100);
        }
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync();
    }
}
