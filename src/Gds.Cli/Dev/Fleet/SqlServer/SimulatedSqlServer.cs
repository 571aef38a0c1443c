using Gds.Monitor.Collectors;
using Gds.Monitor.Collectors.SqlServer;

namespace Gds.Cli.Dev.Fleet.SqlServer;

/// <summary>
/// A SQL Server 2022 instance answering the DMV batch of <see cref="SqlServerQueries"/> (performance counters, wait
/// statistics, virtual file stats, process memory, sessions, requests, database states, Always On replicas) with
/// the rows those views return; the collector's mapping turns them into samples. Running totals grow from a plausible
/// uptime, as the DMVs' do.
/// </summary>
internal sealed class SimulatedSqlServer : SimulatedServer
{
    private static readonly string[] SystemDatabases = ["master", "tempdb", "model", "msdb"];

    private readonly List<SqlDatabase> _databases;
    private readonly List<SqlWait> _waits;
    private readonly double _batchesPerSecond;
    private readonly double _phase;

    private double _batches, _checkpointPages, _userErrors, _infoErrors, _pageFaults;
    private double _pageLifeExpectancy;
    private int _active, _runnable, _blocked, _oldestRequest;
    private (string Database, int Requests, DateTimeOffset Since)? _blocking, _blockingNow;

    public SimulatedSqlServer(string id, string environment, string region, IReadOnlyList<string> userDatabases, double batchesPerSecond, int seed,
        SimulatedAvailabilityGroup? availabilityGroup = null)
        : base(Define(id, "mssql", environment, $"Server={id}.db.internal,1433;User ID=gds_monitor;Encrypt=True", ("region", region),
            ("cluster", availabilityGroup?.Name ?? id)), seed)
    {
        AvailabilityGroup = availabilityGroup;
        availabilityGroup?.Join(this);
        _batchesPerSecond = batchesPerSecond;
        var uptime = Random.Around(40, 15) * 86_400;
        _phase = Random.NextDouble() * Math.PI * 2;
        _databases = SystemDatabases.Concat(userDatabases).Select(name => new SqlDatabase(SqlDatabase.ProfileOf(name), uptime, Random)).ToList();
        _waits = SqlWait.TopTen(availabilityGroup?.Primary == this, batchesPerSecond / 2_400, uptime);
        _batches = batchesPerSecond * uptime;
        _checkpointPages = uptime * 210;
        _userErrors = uptime * 0.3;
        _infoErrors = uptime * 0.1;
        _pageFaults = uptime * 25;
        _pageLifeExpectancy = Random.Around(5_200, 1_500);
    }

    public SimulatedAvailabilityGroup? AvailabilityGroup { get; }

    /// <summary>The instance's server name, as sys.availability_replicas lists it.</summary>
    public string ServerName => Id.ToUpperInvariant();

    /// <summary>A session holds locks in <paramref name="database"/> since <paramref name="since"/>; <paramref name="requests"/> requests wait behind it.</summary>
    public void Block(string database, int requests, DateTimeOffset since) => _blockingNow = (database, requests, since);

    public override void Calm() => _blockingNow = null;

    public override void Advance(FleetMoment now)
    {
        var dt = now.StepSeconds;
        var load = 1 + Wobble.Swing(now.SinceStart, 0.1, 480, _phase);
        _batches += _batchesPerSecond * load * dt;
        _checkpointPages += 210 * dt * Random.Around(1, 0.5);
        _userErrors += 0.3 * dt * Random.Around(1, 0.8);
        _infoErrors += 0.1 * dt;
        _pageFaults += 25 * dt * Random.Around(1, 0.6);
        // A stable buffer pool: pages live on, so the expectancy climbs about a second a second.
        _pageLifeExpectancy += dt * Random.Around(0.9, 0.2);
        foreach (var db in _databases) db.Run(dt, load, Random);
        foreach (var w in _waits) w.Run(dt, load, Random);
        _active = Math.Max(1, (int)Math.Round(Random.Around(11, 4) * load));
        _runnable = Math.Min(_active, (int)Math.Round(Random.Around(2, 1.5)));
        _blocked = 0;
        _oldestRequest = (int)Math.Round(Random.Around(12, 10));
        AdvanceBlocking(now);
        AvailabilityGroup?.Advance(this, Random);
    }

    private void AdvanceBlocking(FleetMoment now)
    {
        if (_blockingNow is { } b)
        {
            if (_blocking?.Since != b.Since) Wait("LCK_M_U").Begin(b.Requests);
            _blocking = b;
            _active += b.Requests;
            _blocked = b.Requests;
            _oldestRequest = Math.Max(_oldestRequest, (int)(now.At - b.Since).TotalSeconds);
            return;
        }
        if (_blocking is { } released)
        {
            // sys.dm_os_wait_stats adds a wait's time when it ends: the blocked requests' whole wait at once.
            Wait("LCK_M_U").End(released.Requests * (now.At - released.Since).TotalMilliseconds);
            _blocking = null;
        }
    }

    private SqlWait Wait(string type) => _waits.First(w => w.Type == type);

    protected override SampleSet Answer(FleetMoment now)
    {
        var samples = new SampleSet();
        foreach (var query in SqlServerQueries.All) query.Map(Rows(query.Name), samples);
        return samples;
    }

    protected override TimeSpan ScrapeTime() => TimeSpan.FromMilliseconds(Random.Around(38, 15));

    private IReadOnlyList<ResultRow> Rows(string query) => query switch
    {
        "performance_counters" => PerformanceCounterRows(),
        "wait_stats" => WaitRows(),
        "file_stats" => FileRows(),
        "process_memory" => new RowSet("physical_memory_in_use_kb", "memory_utilization_percentage", "page_fault_count", "process_physical_memory_low", "process_virtual_memory_low")
            .Add((long)Random.Around(58_600_000, 40_000), 100, (long)_pageFaults, false, false).Rows,
        "connections" => ConnectionRows(),
        "requests" => new RowSet("active_requests", "runnable_requests", "blocked_requests", "oldest_request_seconds")
            .Add(_active, _runnable, _blocked, _oldestRequest).Rows,
        "database_states" => DatabaseStateRows(),
        "availability_replicas" => AvailabilityGroup?.Rows(this) ?? new RowSet("availability_group").Rows,
        _ => throw new InvalidOperationException($"the simulated SQL Server has no answer to the collector's query '{query}'"),
    };

    private int Sessions(SqlDatabase db) =>
        db.Sessions + (_blocking is { } b && b.Database == db.Name ? b.Requests + 1 : 0);

    private IReadOnlyList<ResultRow> PerformanceCounterRows()
    {
        const int Bulk = 272696576, Raw = 65792, Ratio = 537003264, Base = 1073939712;
        var rows = new RowSet("object_name", "counter_name", "instance_name", "cntr_value", "cntr_type");
        var lookups = (long)Random.Around(3_000, 800);
        var ple = (long)_pageLifeExpectancy;
        rows.Add("SQLServer:SQL Statistics", "Batch Requests/sec", "", (long)_batches, Bulk);
        rows.Add("SQLServer:Locks", "Number of Deadlocks/sec", "_Total", 14L, Bulk);
        rows.Add("SQLServer:Locks", "Number of Deadlocks/sec", "Key", 11L, Bulk);
        rows.Add("SQLServer:Locks", "Number of Deadlocks/sec", "Object", 3L, Bulk);
        rows.Add("SQLServer:Buffer Manager", "Buffer cache hit ratio", "", (long)(lookups * Random.Around(0.9985, 0.001)), Ratio);
        rows.Add("SQLServer:Buffer Manager", "Buffer cache hit ratio base", "", lookups, Base);
        rows.Add("SQLServer:Buffer Manager", "Checkpoint pages/sec", "", (long)_checkpointPages, Bulk);
        rows.Add("SQLServer:Buffer Manager", "Page life expectancy", "", ple, Raw);
        rows.Add("SQLServer:Buffer Node", "Page life expectancy", "000", ple, Raw);
        rows.Add("SQLServer:SQL Errors", "Errors/sec", "DB Offline Errors", 0L, Bulk);
        rows.Add("SQLServer:SQL Errors", "Errors/sec", "Info Errors", (long)_infoErrors, Bulk);
        rows.Add("SQLServer:SQL Errors", "Errors/sec", "Kill Connection Errors", 2L, Bulk);
        rows.Add("SQLServer:SQL Errors", "Errors/sec", "User Errors", (long)_userErrors, Bulk);
        rows.Add("SQLServer:SQL Errors", "Errors/sec", "_Total", (long)_userErrors + (long)_infoErrors + 2, Bulk);
        foreach (var db in _databases) rows.Add("SQLServer:Databases", "Log Growths", db.Name, db.LogGrowths, Raw);
        rows.Add("SQLServer:Databases", "Log Growths", "_Total", _databases.Sum(d => d.LogGrowths), Raw);
        rows.Add("SQLServer:Memory Manager", "Memory Grants Pending", "", 0L, Raw);
        rows.Add("SQLServer:General Statistics", "User Connections", "", (long)_databases.Sum(Sessions), Raw);
        return rows.Rows;
    }

    private IReadOnlyList<ResultRow> WaitRows()
    {
        var rows = new RowSet("wait_type", "wait_time_ms", "waiting_tasks_count", "signal_wait_time_ms", "total_wait_time_ms");
        // The non-idle waits below the top ten add a few percent to the total the query sums over all of them.
        var total = (long)(_waits.Sum(w => Math.Floor(w.WaitMs)) * 1.06);
        foreach (var w in _waits.OrderByDescending(w => w.WaitMs))
            rows.Add(w.Type, (long)w.WaitMs, (long)w.Tasks, (long)w.SignalMs, total);
        return rows.Rows;
    }

    private IReadOnlyList<ResultRow> FileRows()
    {
        var rows = new RowSet("database_name", "io_stall_read_ms", "io_stall_write_ms", "num_of_reads", "num_of_writes", "num_of_bytes_read", "num_of_bytes_written");
        foreach (var db in _databases)
            rows.Add(db.Name, (long)db.ReadStallMs, (long)db.WriteStallMs, (long)db.Reads, (long)db.Writes, (long)db.BytesRead, (long)db.BytesWritten);
        return rows.Rows;
    }

    private IReadOnlyList<ResultRow> ConnectionRows()
    {
        var rows = new RowSet("database_name", "connections");
        foreach (var db in _databases.Where(d => Sessions(d) > 0)) rows.Add(db.Name, Sessions(db));
        return rows.Rows;
    }

    private IReadOnlyList<ResultRow> DatabaseStateRows()
    {
        var rows = new RowSet("database_name", "state", "state_desc");
        foreach (var db in _databases) rows.Add(db.Name, (byte)0, "ONLINE");
        return rows.Rows;
    }
}
