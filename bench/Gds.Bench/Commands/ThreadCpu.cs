namespace Gds.Bench.Commands;

/// <summary>
/// CPU time of the process's threads whose name starts with a prefix, from /proc (Linux): it tells the stream
/// thread's own cost per record apart from the broker's and the producer's, which share the process in a bench.
/// Zero where /proc is not available.
/// </summary>
internal static class ThreadCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, the unit of utime/stime in /proc/*/stat on Linux

    public static TimeSpan Of(string threadNamePrefix)
    {
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks)) return TimeSpan.Zero;
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "comm")).StartsWith(threadNamePrefix, StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // The name in parentheses may contain spaces: count fields from after its closing parenthesis.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += double.Parse(fields[11]) + double.Parse(fields[12]); // utime, stime (fields 14 and 15 of stat)
            }
            catch (IOException)
            {
                // the thread ended while we looked
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
