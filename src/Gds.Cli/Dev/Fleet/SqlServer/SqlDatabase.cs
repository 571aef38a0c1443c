namespace Gds.Cli.Dev.Fleet.SqlServer;

/// <summary>
/// One database of a simulated instance: the running totals of sys.dm_io_virtual_file_stats over its files, its
/// user sessions and its log growths. Latency per read or write stays near the profile's, as on healthy storage.
/// </summary>
internal sealed class SqlDatabase
{
    public sealed record Profile(string Name, double ReadsPerSecond, double WritesPerSecond, double ReadLatencyMs, double WriteLatencyMs,
        double BytesPerRead, double BytesPerWrite, int Sessions, long LogGrowths);

    /// <summary>The system databases as every instance has them, and the user databases of the fleet.</summary>
    public static Profile ProfileOf(string name) => name switch
    {
        "master" => new(name, 0.8, 0.3, 2.1, 1.2, 65_536, 8_192, 6, 0),
        "tempdb" => new(name, 60, 140, 1.4, 0.9, 65_536, 65_536, 1, 3),
        "model" => new(name, 0, 0, 1.0, 1.0, 8_192, 8_192, 0, 0),
        "msdb" => new(name, 2.5, 1.5, 2.4, 1.3, 16_384, 8_192, 2, 1),
        "erp" => new(name, 340, 170, 3.8, 1.1, 32_768, 12_288, 120, 4),
        "payroll" => new(name, 35, 18, 4.2, 1.3, 24_576, 8_192, 14, 1),
        "reporting" => new(name, 260, 4, 5.1, 1.6, 131_072, 8_192, 38, 0),
        "sales" => new(name, 290, 115, 3.5, 1.0, 32_768, 12_288, 95, 2),
        "crm" => new(name, 140, 55, 3.9, 1.2, 24_576, 8_192, 44, 1),
        _ => new(name, 50, 20, 4.0, 1.2, 24_576, 8_192, 10, 0),
    };

    private readonly Profile _profile;

    public SqlDatabase(Profile profile, double uptimeSeconds, Random random)
    {
        _profile = profile;
        Run(uptimeSeconds, 1, random);
    }

    public string Name => _profile.Name;
    public long LogGrowths => _profile.LogGrowths;
    public double Reads, Writes, BytesRead, BytesWritten, ReadStallMs, WriteStallMs;
    public int Sessions;

    public void Run(double seconds, double load, Random random)
    {
        var reads = _profile.ReadsPerSecond * load * seconds;
        var writes = _profile.WritesPerSecond * load * seconds;
        Reads += reads;
        Writes += writes;
        BytesRead += reads * _profile.BytesPerRead;
        BytesWritten += writes * _profile.BytesPerWrite;
        ReadStallMs += reads * _profile.ReadLatencyMs * random.Around(1, 0.15);
        WriteStallMs += writes * _profile.WriteLatencyMs * random.Around(1, 0.15);
        Sessions = _profile.Sessions == 0 ? 0 : Math.Max(1, (int)Math.Round(_profile.Sessions * load + random.Around(0, _profile.Sessions * 0.05)));
    }
}
