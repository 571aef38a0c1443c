using Gds.Contracts.Serialization;

namespace Gds.Monitor.Tests.Collectors;

/// <summary>The PostgreSQL collector against the real server scripts/services.sh starts.</summary>
public class PostgreSqlCollectorTests
{
    private const string PasswordVariable = "GDS_TEST_MONITOR_PASSWORD";

    static PostgreSqlCollectorTests() => Environment.SetEnvironmentVariable(PasswordVariable, TestPostgres.MonitorPassword);

    private static PostgreSqlCollector MonitorCollector(string id = "pg-local") =>
        new(TestTargets.Make(id, connection: TestPostgres.MonitorTemplate(PasswordVariable)));

    private static double One(IReadOnlyList<Sample> samples, string name) =>
        Assert.Single(samples, s => s.Name == name && s.Labels is null).Value;

    [PostgresFact]
    public async Task A_normal_scrape_reads_every_family_as_the_pg_monitor_role()
    {
        _ = TestPostgres.Superuser;
        await using var collector = MonitorCollector();
        var samples = await collector.CollectAsync(CancellationToken.None);

        var used = One(samples, "pg_connections_used");
        var max = One(samples, "pg_connections_max");
        Assert.True(used >= 1, "our own connection is a client backend");
        Assert.Equal(300, max); // services.sh starts the server with max_connections=300
        Assert.Equal(used / max, One(samples, "pg_connections_used_ratio"), 9);
        Assert.True(One(samples, "pg_sessions_active") >= 1);
        Assert.Equal(0, One(samples, "pg_in_recovery"));
        Assert.DoesNotContain(samples, s => s.Name == "pg_replication_replay_lag_seconds");
        Assert.True(One(samples, "pg_xact_commit_total") > 0);
        Assert.True(One(samples, "pg_databases_size_bytes") > 1_000_000);
        Assert.InRange(One(samples, "pg_wraparound_ratio"), 0, 0.1);
        Assert.Equal(1, One(samples, "pg_replication_standbys")); // services.sh streams to one standby
        Assert.Single(samples, s => s.Name == "pg_replication_standby_lag_bytes" && s.Labels!["standby"] == "gds-test-standby");
        Assert.True(One(samples, "pg_checkpoints_timed_total") >= 0);
        Assert.Contains(samples, s => s.Name == "pg_bgwriter_buffers_backend_total"); // 15 still has it

        var postgresSize = Assert.Single(samples, s => s.Name == "pg_database_size_bytes" && s.Labels!["database"] == "postgres");
        Assert.True(postgresSize.Value > 1_000_000);
        Assert.DoesNotContain(samples, s => s.Labels is not null && s.Labels.TryGetValue("database", out var db) && db == "template0");

        foreach (var metric in PostgreSqlMapping.LockModes.Values)
            Assert.Contains(samples, s => s.Name == metric.Name);
        Assert.True(One(samples, "pg_locks_access_share") >= 1, "the scrape's own catalog reads hold AccessShareLocks");
        Assert.All(samples, s => Assert.Matches("^pg_[a-z0-9_]+$", s.Name));
        Assert.All(samples, s => Assert.True(double.IsFinite(s.Value), s.Name));
    }

    [PostgresFact]
    public async Task A_row_lock_held_by_another_session_shows_sessions_waiting_on_locks()
    {
        var table = "lock_probe_" + Guid.NewGuid().ToString("N")[..8];
        await using var holder = new NpgsqlConnection(TestPostgres.Superuser);
        await holder.OpenAsync();
        await Exec(holder, $"CREATE TABLE {table} (id int PRIMARY KEY, v int); INSERT INTO {table} VALUES (1, 0)");
        await using var waiter = new NpgsqlConnection(TestPostgres.Superuser);
        await waiter.OpenAsync();
        try
        {
            await Exec(holder, $"BEGIN; UPDATE {table} SET v = 1 WHERE id = 1");
            await Exec(waiter, "BEGIN");
            var blocked = Exec(waiter, $"UPDATE {table} SET v = 2 WHERE id = 1");

            await using var collector = MonitorCollector();
            IReadOnlyList<Sample> samples = [];
            await Eventually.True(() =>
            {
                samples = collector.CollectAsync(CancellationToken.None).GetAwaiter().GetResult();
                return One(samples, "pg_sessions_waiting_on_locks") >= 1;
            }, TimeSpan.FromSeconds(15), "the blocked UPDATE to show as a session waiting on a lock");
            Assert.True(One(samples, "pg_locks_not_granted") >= 1);
            Assert.True(One(samples, "pg_locks_row_exclusive") >= 2, "both UPDATEs hold RowExclusiveLock on the table");
            Assert.False(blocked.IsCompleted);

            await Exec(holder, "ROLLBACK");
            await blocked.WaitAsync(TimeSpan.FromSeconds(10));
            await Exec(waiter, "ROLLBACK");
            var after = await collector.CollectAsync(CancellationToken.None);
            Assert.Equal(0, One(after, "pg_locks_not_granted"));
        }
        finally
        {
            await Exec(holder, $"DROP TABLE IF EXISTS {table}");
        }
    }

    [PostgresFact]
    public async Task A_long_open_transaction_shows_its_age()
    {
        await using var session = new NpgsqlConnection(TestPostgres.Superuser);
        await session.OpenAsync();
        await Exec(session, "BEGIN; SELECT txid_current()");
        var began = DateTime.UtcNow;
        await using var collector = MonitorCollector();
        IReadOnlyList<Sample> samples = [];
        double held = 0;
        await Eventually.True(() =>
        {
            samples = collector.CollectAsync(CancellationToken.None).GetAwaiter().GetResult();
            held = (DateTime.UtcNow - began).TotalSeconds;
            return One(samples, "pg_oldest_transaction_age_seconds") >= 2;
        }, TimeSpan.FromSeconds(15), "the open transaction to be at least 2 s old");
        Assert.True(One(samples, "pg_oldest_transaction_age_seconds") >= held - 1, "the age follows our transaction");
        Assert.True(One(samples, "pg_oldest_idle_in_transaction_age_seconds") >= 1.5);
        Assert.True(One(samples, "pg_sessions_idle_in_transaction") >= 1);
        await Exec(session, "ROLLBACK");
    }

    [PostgresFact]
    public async Task A_wrong_password_gives_up_0_for_that_target_only_and_no_secret_reaches_logs_or_records()
    {
        await PasswordCheckedRole.EnsureAsync();
        var wrongPasswordFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(wrongPasswordFile, "not-the-probe-password-93c1");
        try
        {
            var port = TestPostgres.Port;
            var targets = new[]
            {
                TestTargets.Make("pg-good", connection: TestPostgres.MonitorTemplate(PasswordVariable)),
                TestTargets.Make("pg-wrong-password", connection: $"Host=127.0.0.1;Port={port};Username={PasswordCheckedRole.Name};Password=${{file:{wrongPasswordFile}}};Database=postgres"),
                TestTargets.Make("pg-good-2", connection: TestPostgres.MonitorTemplate(PasswordVariable)),
            };
            var publisher = new RecordingPublisher();
            using var logs = new CapturedLogs();
            await using var host = new CollectorHost(targets, new CollectorFactory(), publisher, null,
                new CollectorOptions { MaxConcurrentScrapes = 2 }, logs.Factory());

            var result = await host.RunOnceAsync(CancellationToken.None);

            var byId = result.Outcomes.ToDictionary(o => o.TargetId);
            Assert.True(byId["pg-good"].Up);
            Assert.True(byId["pg-good-2"].Up);
            Assert.False(byId["pg-wrong-password"].Up);
            Assert.Contains("28P01", byId["pg-wrong-password"].Error);
            Assert.Equal(0, Assert.Single(publisher.For("pg-wrong-password", CollectorMetrics.Up.Name)).Value);
            Assert.Equal(1, Assert.Single(publisher.For("pg-good", CollectorMetrics.Up.Name)).Value);
            Assert.Single(publisher.For("pg-good-2", "pg_connections_used_ratio"));
            Assert.DoesNotContain(publisher.Metrics, m => m.InstanceId == "pg-wrong-password" && m.MetricName.StartsWith("pg_", StringComparison.Ordinal));
            Assert.Contains(logs.Lines, l => l.Contains("pg-wrong-password") && l.Contains("password authentication failed"));

            var published = string.Join("\n", publisher.Metrics.Select(GdsJson.SerializeToString));
            foreach (var secret in new[] { TestPostgres.MonitorPassword, "not-the-probe-password-93c1", PasswordCheckedRole.Password })
            {
                Assert.DoesNotContain(secret, logs.All);
                Assert.DoesNotContain(secret, published);
            }
        }
        finally
        {
            File.Delete(wrongPasswordFile);
        }
    }

    [Fact]
    public void Queries_follow_the_server_version()
    {
        Assert.Contains(PostgreSqlQueries.For(new Version(17, 2)), q => q.Text.Contains("pg_stat_checkpointer"));
        Assert.DoesNotContain(PostgreSqlQueries.For(new Version(16, 4)), q => q.Text.Contains("pg_stat_checkpointer"));
        Assert.Contains(PostgreSqlQueries.For(new Version(12, 0)), q => q.Text.Contains("checkpoints_timed"));
        var ex = Assert.Throws<NotSupportedException>(() => PostgreSqlQueries.For(new Version(11, 22)));
        Assert.Equal("PostgreSQL 11.22 is not supported (12 or later)", ex.Message);
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
