namespace Gds.Monitor.Tests.Support;

/// <summary>
/// A test against the real PostgreSQL that scripts/services.sh starts. Skipped locally when
/// GDS_TEST_PG_CONNECTION is unset; under CI=true it runs anyway and fails, so CI can never pass by skipping.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.ConnectionString is null && !TestPostgres.InCi)
            Skip = "GDS_TEST_PG_CONNECTION is not set: run `eval \"$(scripts/services.sh start)\"` first, or ./test.sh";
    }
}

public static class TestPostgres
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("GDS_TEST_PG_CONNECTION");

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The superuser connection; fails the test (not skips) when the variable is missing.</summary>
    public static string Superuser => ConnectionString
        ?? throw new InvalidOperationException("GDS_TEST_PG_CONNECTION is not set; CI must start PostgreSQL (scripts/services.sh start) before the tests");

    public static string Port => new Npgsql.NpgsqlConnectionStringBuilder(Superuser).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The streaming standby of that server, as its superuser; services.sh starts both or neither.</summary>
    public static string StandbySuperuser => Environment.GetEnvironmentVariable("GDS_TEST_PG_STANDBY_CONNECTION")
        ?? throw new InvalidOperationException("GDS_TEST_PG_STANDBY_CONNECTION is not set; scripts/services.sh start exports it with the primary's");

    public static string StandbyPort => new Npgsql.NpgsqlConnectionStringBuilder(StandbySuperuser).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The pg_monitor role services.sh creates, with its password left as a reference to <paramref name="passwordVariable"/>.</summary>
    public static string MonitorTemplate(string passwordVariable) =>
        $"Host=127.0.0.1;Port={Port};Username=gds_monitor;Password=${{{passwordVariable}}};Database=postgres";

    /// <summary>The same role on the standby (roles replicate with the rest of the cluster).</summary>
    public static string StandbyMonitorTemplate(string passwordVariable) =>
        $"Host=127.0.0.1;Port={StandbyPort};Username=gds_monitor;Password=${{{passwordVariable}}};Database=postgres";

    public const string MonitorPassword = "gds-monitor-secret";
}
