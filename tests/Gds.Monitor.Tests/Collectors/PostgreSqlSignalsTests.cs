namespace Gds.Monitor.Tests.Collectors;

/// <summary>
/// Latency, traffic, errors and saturation on the real primary and its streaming standby (scripts/services.sh):
/// what a DBA would check by hand, checked against what the collector publishes.
/// </summary>
public class PostgreSqlSignalsTests
{
    private const string PasswordVariable = "GDS_TEST_MONITOR_PASSWORD";
    private const string NoStatementsDatabase = "gds_no_statements";

    static PostgreSqlSignalsTests() => Environment.SetEnvironmentVariable(PasswordVariable, TestPostgres.MonitorPassword);

    private static PostgreSqlCollector Collector(string template, string id = "pg-signals") => new(TestTargets.Make(id, connection: template));

    private static PostgreSqlCollector Primary() => Collector(TestPostgres.MonitorTemplate(PasswordVariable));

    private static PostgreSqlCollector Standby() => Collector(TestPostgres.StandbyMonitorTemplate(PasswordVariable), "pg-signals-standby");

    private static double? Value(IReadOnlyList<Sample> samples, string name, string? database = null) =>
        samples.SingleOrDefault(s => s.Name == name && (database is null ? s.Labels is null : s.Labels?["database"] == database)) is { Name: not null } s ? s.Value : null;

    private static double One(IReadOnlyList<Sample> samples, string name, string? database = null) =>
        Value(samples, name, database) ?? throw new Xunit.Sdk.XunitException($"{name}{(database is null ? "" : $"{{database={database}}}")} was not published");

    [PostgresFact]
    public async Task Scrapes_of_the_primary_and_the_standby_emit_catalogue_metrics_with_their_labels_each_series_once()
    {
        await using var primary = Primary();
        var p = await primary.CollectAsync(CancellationToken.None);
        CatalogueConformance.Holds(p, DatabaseTypes.PostgreSql);
        Assert.Equal(0, One(p, "pg_in_recovery"));
        Assert.NotNull(Value(p, "pg_statements_calls_total")); // the extension is created in postgres

        await using var standby = Standby();
        var s = await standby.CollectAsync(CancellationToken.None);
        CatalogueConformance.Holds(s, DatabaseTypes.PostgreSql);
        Assert.Equal(1, One(s, "pg_in_recovery"));
        Assert.NotNull(Value(s, "pg_replication_replay_lag_seconds"));
        Assert.Equal(0, One(s, "pg_replication_standbys"));
    }

    [PostgresFact]
    public async Task Statement_calls_and_execution_time_per_database_follow_the_queries_run()
    {
        await using var collector = Primary();
        var before = await collector.CollectAsync(CancellationToken.None);
        await using (var session = new NpgsqlConnection(TestPostgres.Superuser))
        {
            await session.OpenAsync();
            for (var i = 0; i < 5; i++) await Exec(session, "SELECT pg_sleep(0.1)");
        }
        var after = await collector.CollectAsync(CancellationToken.None);

        var calls = One(after, "pg_database_statements_calls_total", "postgres") - One(before, "pg_database_statements_calls_total", "postgres");
        var seconds = One(after, "pg_database_statements_exec_seconds_total", "postgres") - One(before, "pg_database_statements_exec_seconds_total", "postgres");
        Assert.True(calls >= 5, $"calls grew by {calls}");
        Assert.True(seconds >= 0.5, $"execution time grew by {seconds} s, five pg_sleep(0.1) alone take 0.5 s");
        Assert.True(One(after, "pg_statements_calls_total") >= One(after, "pg_database_statements_calls_total", "postgres"));
        Assert.True(One(after, "pg_statements_deallocations_total") >= 0); // extension 1.10 on PostgreSQL 15 has pg_stat_statements_info
    }

    [PostgresFact]
    public async Task Without_pg_stat_statements_in_the_database_its_metrics_are_absent_and_the_scrape_still_succeeds()
    {
        await EnsureDatabaseAsync(NoStatementsDatabase);
        var inDatabase = new NpgsqlConnectionStringBuilder(TestPostgres.Superuser) { Database = NoStatementsDatabase }.ConnectionString;
        await using var admin = new NpgsqlConnection(inDatabase);
        await admin.OpenAsync();
        await Exec(admin, "DROP EXTENSION IF EXISTS pg_stat_statements");
        await using var collector = Collector($"Host=127.0.0.1;Port={TestPostgres.Port};Username=gds_monitor;Password=${{{PasswordVariable}}};Database={NoStatementsDatabase}");
        static bool HasStatements(IReadOnlyList<Sample> s) => s.Any(x => x.Name.Contains("_statements_", StringComparison.Ordinal));
        try
        {
            var without = await collector.CollectAsync(CancellationToken.None);
            Assert.False(HasStatements(without));
            Assert.NotNull(Value(without, "pg_connections_used"));

            await Exec(admin, "CREATE EXTENSION pg_stat_statements");
            Assert.False(HasStatements(await collector.CollectAsync(CancellationToken.None))); // this scrape's probe finds it ...
            Assert.True(HasStatements(await collector.CollectAsync(CancellationToken.None))); // ... and the next one reads it

            // Dropped between two scrapes: the next scrape notices, goes on without it, and is not a failure.
            await Exec(admin, "DROP EXTENSION pg_stat_statements");
            var afterDrop = await collector.CollectAsync(CancellationToken.None);
            Assert.False(HasStatements(afterDrop));
            Assert.NotNull(Value(afterDrop, "pg_connections_used"));
        }
        finally
        {
            await Exec(admin, "DROP EXTENSION IF EXISTS pg_stat_statements");
        }
    }

    [PostgresFact]
    public async Task The_oldest_active_query_age_follows_a_long_query_and_not_idle_sessions()
    {
        await using var idle = new NpgsqlConnection(TestPostgres.Superuser);
        await idle.OpenAsync();
        await using var busy = new NpgsqlConnection(TestPostgres.Superuser);
        await busy.OpenAsync();
        var sleeping = Exec(busy, "SELECT pg_sleep(30)");
        var started = DateTime.UtcNow;
        try
        {
            await using var collector = Primary();
            double age = 0, held = 0;
            await Eventually.True(() =>
            {
                var samples = collector.CollectAsync(CancellationToken.None).GetAwaiter().GetResult();
                held = (DateTime.UtcNow - started).TotalSeconds;
                age = One(samples, "pg_oldest_active_query_age_seconds");
                return age >= 1.5;
            }, TimeSpan.FromSeconds(15), "the 30 s pg_sleep to show as an active query at least 1.5 s old");
            Assert.InRange(age, 1.5, held + 1);
        }
        finally
        {
            await Exec(idle, $"SELECT pg_cancel_backend({busy.ProcessID})");
            var cancelled = await Assert.ThrowsAsync<PostgresException>(() => sleeping);
            Assert.Equal("57014", cancelled.SqlState);
        }
    }

    [PostgresFact]
    public async Task Replay_lag_on_the_standby_is_0_when_caught_up_and_grows_while_replay_is_paused()
    {
        await using var standby = Standby();
        await Eventually.True(() => One(standby.CollectAsync(CancellationToken.None).GetAwaiter().GetResult(), "pg_replication_replay_lag_seconds") == 0,
            TimeSpan.FromSeconds(20), "the idle standby to report a replay lag of 0");

        await using var standbyAdmin = new NpgsqlConnection(TestPostgres.StandbySuperuser);
        await standbyAdmin.OpenAsync();
        await using var primaryAdmin = new NpgsqlConnection(TestPostgres.Superuser);
        await primaryAdmin.OpenAsync();
        await Exec(standbyAdmin, "SELECT pg_wal_replay_pause()");
        try
        {
            await Exec(primaryAdmin, "CREATE TABLE IF NOT EXISTS gds_replay_probe (at timestamptz); INSERT INTO gds_replay_probe VALUES (now())");
            double first = 0, later = 0;
            await Eventually.True(() => (first = One(standby.CollectAsync(CancellationToken.None).GetAwaiter().GetResult(), "pg_replication_replay_lag_seconds")) > 0,
                TimeSpan.FromSeconds(20), "the paused standby to report a lag once it has received WAL it does not replay");
            await Eventually.True(() => (later = One(standby.CollectAsync(CancellationToken.None).GetAwaiter().GetResult(), "pg_replication_replay_lag_seconds")) >= first + 1,
                TimeSpan.FromSeconds(20), $"the lag to grow past {first} + 1 s while replay stays paused");
            await using var primary = Primary();
            var primarySamples = await primary.CollectAsync(CancellationToken.None);
            Assert.True(primarySamples.Single(x => x.Name == "pg_replication_standby_lag_bytes" && x.Labels!["standby"] == "gds-test-standby").Value > 0,
                "the primary sees the same standby behind");
        }
        finally
        {
            await Exec(standbyAdmin, "SELECT pg_wal_replay_resume()");
        }
        await Eventually.True(() => One(standby.CollectAsync(CancellationToken.None).GetAwaiter().GetResult(), "pg_replication_replay_lag_seconds") == 0,
            TimeSpan.FromSeconds(20), "the lag to return to 0 once replay resumes");
    }

    private static async Task EnsureDatabaseAsync(string name)
    {
        await using var conn = new NpgsqlConnection(TestPostgres.Superuser);
        await conn.OpenAsync();
        await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{name}'", conn);
        if (await exists.ExecuteScalarAsync() is null)
        {
            try { await Exec(conn, $"CREATE DATABASE {name}"); }
            catch (PostgresException ex) when (ex.SqlState is "42P04" or "23505") { } // created meanwhile by a parallel run
        }
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
