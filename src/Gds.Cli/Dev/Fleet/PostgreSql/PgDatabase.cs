namespace Gds.Cli.Dev.Fleet.PostgreSql;

/// <summary>
/// The running totals of pg_stat_database (and pg_stat_statements) for one database: they start where a server
/// up for <c>uptimeSeconds</c> would have them and only ever grow, by the profile's rates times the tick's step.
/// </summary>
internal sealed class PgDatabase
{
    public PgDatabase(PgDatabaseProfile profile, double uptimeSeconds)
    {
        Profile = profile;
        var xacts = profile.XactsPerSecond * uptimeSeconds;
        Rollbacks = xacts * profile.RollbackShare;
        Commits = xacts - Rollbacks;
        var accesses = xacts * profile.BlockAccessesPerXact;
        Reads = accesses * profile.MissShare;
        Hits = accesses - Reads;
        ReadTimeMs = Reads * ReadMsPerBlock;
        WriteTimeMs = xacts * WriteMsPerXact;
        TempBytes = profile.TempBytesPerSecond * uptimeSeconds;
        Deadlocks = profile.XactsPerSecond > 50 ? 3 : 0;
        Calls = xacts * profile.StatementsPerXact;
        ExecSeconds = Calls * profile.SecondsPerStatement;
        Rows = Calls * profile.RowsPerStatement;
        Size = profile.SizeBytes;
    }

    private const double ReadMsPerBlock = 0.11;
    private const double WriteMsPerXact = 0.002;

    public PgDatabaseProfile Profile { get; }
    public string Name => Profile.Name;
    public double Commits, Rollbacks, Hits, Reads, ReadTimeMs, WriteTimeMs, Deadlocks, TempBytes, Conflicts, Calls, ExecSeconds, Rows, Size;
    public int Backends;

    /// <summary>One step of ordinary traffic; <paramref name="load"/> near 1 (the server's swing of the moment).</summary>
    public void Run(double seconds, double load, Random random)
    {
        var xacts = Profile.XactsPerSecond * load * seconds;
        var rollbacks = xacts * Profile.RollbackShare;
        Commits += xacts - rollbacks;
        Rollbacks += rollbacks;
        var accesses = xacts * Profile.BlockAccessesPerXact;
        var reads = accesses * Profile.MissShare * random.Around(1, 0.3);
        Hits += accesses - reads;
        Reads += reads;
        ReadTimeMs += reads * ReadMsPerBlock * random.Around(1, 0.2);
        WriteTimeMs += xacts * WriteMsPerXact;
        TempBytes += Profile.TempBytesPerSecond * seconds * random.Around(1, 0.5);
        var calls = xacts * Profile.StatementsPerXact;
        Calls += calls;
        ExecSeconds += calls * Profile.SecondsPerStatement * random.Around(1, 0.15);
        Rows += calls * Profile.RowsPerStatement;
        Size += Profile.SizeGrowthPerSecond * seconds;
    }
}
