namespace Gds.Cli.Dev.Fleet.SqlServer;

/// <summary>
/// One wait type of sys.dm_os_wait_stats: time, tasks and signal time accumulate as the instance works. A lock wait
/// is counted when it begins and its time added when it ends, as the DMV does.
/// </summary>
internal sealed class SqlWait(string type, double msPerSecond, double tasksPerSecond, double signalShare)
{
    public string Type { get; } = type;
    public double WaitMs { get; private set; }
    public double Tasks { get; private set; }
    public double SignalMs { get; private set; }

    /// <summary>
    /// The ten largest non-idle waits of a busy OLTP instance (the collector publishes only ten), scaled to its
    /// workload, with the totals of <paramref name="uptimeSeconds"/> of it. An availability group's primary waits on
    /// its synchronous secondary's commits.
    /// </summary>
    public static List<SqlWait> TopTen(bool availabilityGroupPrimary, double scale, double uptimeSeconds)
    {
        List<SqlWait> waits =
        [
            new("CXPACKET", 1_800 * scale, 30 * scale, 0.1),
            new("PAGEIOLATCH_SH", 900 * scale, 210 * scale, 0.02),
            new("WRITELOG", 620 * scale, 880 * scale, 0.05),
            new("ASYNC_NETWORK_IO", 480 * scale, 310 * scale, 0.03),
            new("SOS_SCHEDULER_YIELD", 410 * scale, 3_900 * scale, 1.0),
            new("CXCONSUMER", 350 * scale, 26 * scale, 0.05),
            new("PAGELATCH_EX", 140 * scale, 590 * scale, 0.1),
            new("LCK_M_U", 95 * scale, 0.4 * scale, 0.01),
            new("LATCH_EX", 75 * scale, 150 * scale, 0.08),
            availabilityGroupPrimary ? new("HADR_SYNC_COMMIT", 700 * scale, 870 * scale, 0.02) : new("PREEMPTIVE_OS_WRITEFILEGATHER", 60 * scale, 0.2 * scale, 0),
        ];
        foreach (var w in waits) w.Grow(uptimeSeconds, 1);
        return waits;
    }

    public void Run(double seconds, double load, Random random) => Grow(seconds, load * random.Around(1, 0.2));

    private void Grow(double seconds, double factor)
    {
        var ms = msPerSecond * factor * seconds;
        WaitMs += ms;
        SignalMs += ms * signalShare;
        Tasks += tasksPerSecond * factor * seconds;
    }

    public void Begin(int tasks) => Tasks += tasks;

    public void End(double waitedMs)
    {
        WaitMs += waitedMs;
        SignalMs += waitedMs * signalShare;
    }
}
