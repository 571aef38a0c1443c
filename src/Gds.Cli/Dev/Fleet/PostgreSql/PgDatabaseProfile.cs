namespace Gds.Cli.Dev.Fleet.PostgreSql;

/// <summary>
/// How one database of a simulated server is used at rest: transactions a second and what each costs. A standby's
/// databases are the primary's (same names, same size) with only the read-only traffic run on the standby.
/// </summary>
internal sealed record PgDatabaseProfile(
    string Name,
    double XactsPerSecond,
    double RollbackShare,
    double BlockAccessesPerXact,
    double MissShare,
    double SizeBytes,
    double SizeGrowthPerSecond,
    double FrozenXidAge,
    double StatementsPerXact,
    double SecondsPerStatement,
    double RowsPerStatement,
    double TempBytesPerSecond,
    double ConnectionShare)
{
    /// <summary>template1 allows connections, so pg_stat_database lists it; nobody uses it.</summary>
    public static PgDatabaseProfile Template1 => new("template1", 0, 0, 0, 0, 7_675_395, 0, 165_000_000, 0, 0, 0, 0, 0);

    /// <summary>The maintenance database: the monitoring role, pgbouncer's checks, an admin now and then.</summary>
    public static PgDatabaseProfile Postgres => new("postgres", 1.5, 0, 40, 0.002, 8_975_139, 0, 45_000_000, 1.2, 0.0008, 5, 0, 0.03);

    public static PgDatabaseProfile App(string name, double xacts, double secondsPerStatement, double sizeGb, double connectionShare, double tempMiBPerSecond = 0.2) =>
        new(name, xacts, 0.002, 85, 0.004, sizeGb * 1e9, xacts * 90, 150_000_000 + sizeGb * 250_000, 3.4, secondsPerStatement, 2.5, tempMiBPerSecond * 1024 * 1024, connectionShare);

    /// <summary>The same database seen on a standby: its size and xid age, a share of its reads, no writes.</summary>
    public PgDatabaseProfile OnStandby(double readShare) => this with
    {
        XactsPerSecond = XactsPerSecond * readShare,
        RollbackShare = RollbackShare / 4,
        SizeGrowthPerSecond = 0,
        TempBytesPerSecond = TempBytesPerSecond * readShare,
    };

    /// <summary>A smaller copy, as in staging.</summary>
    public PgDatabaseProfile Scaled(double factor) => this with
    {
        XactsPerSecond = XactsPerSecond * factor,
        SizeBytes = Math.Max(7_675_395, SizeBytes * factor),
        SizeGrowthPerSecond = SizeGrowthPerSecond * factor,
        TempBytesPerSecond = TempBytesPerSecond * factor,
    };
}
