using Gds.Monitor.Collectors;
using Gds.Monitor.Collectors.PostgreSql;

namespace Gds.Cli.Dev.Fleet.PostgreSql;

/// <summary>
/// A PostgreSQL server, primary or streaming standby, answering each statement of <see cref="PostgreSqlQueries"/>
/// with the rows the real views would give (pg_stat_database, pg_stat_activity, pg_locks, pg_stat_replication,
/// pg_replication_slots, pg_stat_bgwriter / pg_stat_checkpointer, pg_stat_statements): the collector's own mapping
/// turns them into samples. A primary reports each of its standbys from the standby's own replay position, so the
/// primary's lag in bytes and the standby's lag in seconds always tell the same story.
/// </summary>
internal sealed class SimulatedPostgreSql : SimulatedServer
{
    private static readonly StatementsSource Statements = new("public", new Version(1, 10));
    private const double WalBytesPerXact = 9_200;
    /// <summary>How much faster than the primary writes WAL a standby replays once it may: catching up takes seconds.</summary>
    private const double CatchUpSecondsPerSecond = 25;
    private const double CheckpointTimeout = 300;

    private readonly Version _version;
    private readonly int _maxConnections;
    private readonly int _baseClients;
    private readonly List<PgDatabase> _databases;
    private readonly string _mainDatabase;
    private readonly double _phase;
    private readonly List<SimulatedPostgreSql> _standbys = [];
    private Trouble _trouble = new();

    // Gauges of the current tick.
    private int _clients, _active, _idleInTransaction, _waitingOnLocks, _notGranted;
    private double _oldestXact, _oldestIdleInTransaction, _oldestActiveQuery, _autovacuumAge, _cdcLagSeconds;
    private double _deadTuples, _liveTuples;
    // Cluster-wide: transaction ids consumed since the fleet started (every database's xid age grows by it).
    private double _xidsConsumed;
    // Standby: how far (in seconds of the primary's WAL) replay is behind, and the report that holds it back.
    private double _replayDelay = 0.2;
    private string? _replayBlockedIn;
    // Checkpoints and the background writer.
    private double _checkpointsTimed, _checkpointsRequested, _checkpointWriteMs, _checkpointSyncMs, _buffersCheckpoint, _buffersClean, _maxwrittenClean, _buffersBackend, _buffersAlloc;
    private double _nextCheckpointAt;
    // The long report of a temp-spill incident: counted by pg_stat_statements when it finishes.
    private (string Database, DateTimeOffset Since)? _report;
    private DateTimeOffset? _lastDeadlock;

    public SimulatedPostgreSql(string id, string environment, string region, string cluster, Version version, int maxConnections, int baseClients,
        IReadOnlyList<PgDatabaseProfile> databases, int seed, SimulatedPostgreSql? primary = null)
        : base(Define(id, "postgresql", environment, $"Host={id}.db.internal;Database={MainOf(databases)};Username=gds_monitor", ("region", region), ("cluster", cluster)), seed)
    {
        _version = version;
        _maxConnections = maxConnections;
        _baseClients = baseClients;
        Primary = primary;
        primary?._standbys.Add(this);
        var uptime = Random.Around(21, 9) * 86_400;
        _phase = Random.NextDouble() * Math.PI * 2;
        _databases = databases.Select(p => new PgDatabase(p, uptime)).ToList();
        _mainDatabase = MainOf(databases);
        _checkpointsTimed = Math.Floor(uptime / CheckpointTimeout);
        _checkpointsRequested = Math.Floor(uptime / 86_400) * 2;
        _checkpointWriteMs = _checkpointsTimed * 269_500;
        _checkpointSyncMs = _checkpointsTimed * 310;
        _buffersCheckpoint = _checkpointsTimed * 41_000;
        _buffersClean = uptime * 48;
        _maxwrittenClean = Math.Floor(uptime / 600);
        _buffersBackend = uptime * 4;
        _buffersAlloc = _databases.Sum(d => d.Reads);
        _nextCheckpointAt = Random.NextDouble() * CheckpointTimeout;
        _liveTuples = _databases.First(d => d.Name == _mainDatabase).Profile.SizeBytes / 440;
        _deadTuples = _liveTuples * 0.004;
    }

    /// <summary>The primary this server streams from; null for a primary.</summary>
    public SimulatedPostgreSql? Primary { get; }

    private bool IsStandby => Primary is not null;

    /// <summary>WAL the primary writes per second at the moment (its write transactions).</summary>
    private double WalBytesPerSecond => (Primary ?? this)._databases.Sum(d => d.Profile.XactsPerSecond) * WalBytesPerXact;

    private static string MainOf(IReadOnlyList<PgDatabaseProfile> databases) =>
        databases.FirstOrDefault(d => d.Name is not ("postgres" or "template1"))?.Name ?? "postgres";

    // --- trouble, set by incidents for the current tick ---------------------------------------------------------

    private sealed record Trouble
    {
        public int ExtraIdleConnections { get; init; }
        public (string Database, DateTimeOffset Since)? IdleInTransaction { get; init; }
        public int LockWaiters { get; init; }
        public (string Database, DateTimeOffset Episode)? Deadlock { get; init; }
        public (string Database, double BytesPerSecond, DateTimeOffset Since)? TempSpill { get; init; }
        public (string Database, DateTimeOffset Since)? ReplayBlocked { get; init; }
    }

    public override void Calm() => _trouble = new Trouble();

    /// <summary>An application opens connections without a pool limit and leaves them idle.</summary>
    public void OpenIdleConnections(int count) => _trouble = _trouble with { ExtraIdleConnections = count };

    /// <summary>A session opened a transaction at <paramref name="since"/> and stopped talking.</summary>
    public void LeaveIdleInTransaction(string database, DateTimeOffset since) => _trouble = _trouble with { IdleInTransaction = (database, since) };

    /// <summary>Two sessions wait for each other's row locks (until deadlock_timeout runs out).</summary>
    public void WaitForEachOther() => _trouble = _trouble with { LockWaiters = 2 };

    /// <summary>The deadlock detector aborts one of them: one deadlock and one rollback, once per episode.</summary>
    public void DetectDeadlock(string database, DateTimeOffset episode) => _trouble = _trouble with { Deadlock = (database, episode) };

    /// <summary>A report runs since <paramref name="since"/> whose sorts and hashes spill to temporary files.</summary>
    public void SpillToTemp(string database, double bytesPerSecond, DateTimeOffset since) => _trouble = _trouble with { TempSpill = (database, bytesPerSecond, since) };

    /// <summary>
    /// A standby's replay waits behind a query that pins a buffer it must clean (max_standby_streaming_delay = -1):
    /// replay has stood still since <paramref name="since"/>. When the query is cancelled, replay catches up.
    /// </summary>
    public void BlockReplay(string database, DateTimeOffset since) => _trouble = _trouble with { ReplayBlocked = (database, since) };

    // --- time ---------------------------------------------------------------------------------------------------

    public override void Advance(FleetMoment now)
    {
        var dt = now.StepSeconds;
        var load = 1 + Wobble.Swing(now.SinceStart, 0.08, 600, _phase);
        foreach (var db in _databases) db.Run(dt, load, Random);
        if (Primary is not null)
            foreach (var db in _databases)
                db.Size = Primary._databases.FirstOrDefault(p => p.Name == db.Name)?.Size ?? db.Size;
        else
            // Each writing transaction (about 60% of them) takes a transaction id.
            _xidsConsumed += _databases.Sum(d => d.Profile.XactsPerSecond) * load * 0.6 * dt;

        AdvanceSessions(now, load);
        AdvanceTroubles(now);
        AdvanceReplay(now);
        AdvanceCheckpoints(now, dt);
        AdvanceTuples(now, dt);
        _cdcLagSeconds = 1 + (now.SinceStart.TotalSeconds * 0.9 + _phase * 10) % 20;
    }

    private void AdvanceSessions(FleetMoment now, double load)
    {
        _clients = (int)Math.Round(_baseClients * load + Wobble.Swing(now.SinceStart, _baseClients * 0.03, 170, _phase) + Random.Around(0, 2));
        _active = Math.Max(1, (int)Math.Round(_clients * 0.09 + Random.Around(0, 2)));
        _idleInTransaction = Random.NextDouble() < 0.3 ? 1 : 0;
        _oldestIdleInTransaction = _idleInTransaction > 0 ? Random.Around(0.6, 0.5) : 0;
        _oldestActiveQuery = Random.Around(1.8, 1.5);
        // Autovacuum works through a big table for about a minute every three: its transaction is the oldest one.
        var cycle = (now.SinceStart.TotalSeconds + _phase * 30) % 180;
        _autovacuumAge = !IsStandby && cycle < 65 ? cycle : 0;
        _oldestXact = Math.Max(Math.Max(_oldestActiveQuery, _oldestIdleInTransaction) + Random.Around(0.3, 0.2), _autovacuumAge);
        _waitingOnLocks = 0;
        _notGranted = 0;
    }

    private void AdvanceTroubles(FleetMoment now)
    {
        var t = _trouble;
        _clients = Math.Min(_maxConnections - 3, _clients + t.ExtraIdleConnections);
        if (t.IdleInTransaction is { } idle)
        {
            var age = (now.At - idle.Since).TotalSeconds;
            _clients++;
            _idleInTransaction++;
            _oldestIdleInTransaction = Math.Max(_oldestIdleInTransaction, age);
            _oldestXact = Math.Max(_oldestXact, age + 0.4);
        }
        if (t.LockWaiters > 0)
        {
            _waitingOnLocks += t.LockWaiters;
            _notGranted += t.LockWaiters;
        }
        if (t.Deadlock is { } deadlock && deadlock.Episode != _lastDeadlock)
        {
            _lastDeadlock = deadlock.Episode;
            var db = Database(deadlock.Database);
            db.Deadlocks++;
            db.Rollbacks++;
        }
        if (t.TempSpill is { } spill)
        {
            Database(spill.Database).TempBytes += spill.BytesPerSecond * now.StepSeconds;
            _report = (spill.Database, spill.Since);
        }
        else if (_report is { } finished)
        {
            // pg_stat_statements counts a statement when it ends: the report's call and its whole run time at once.
            var db = Database(finished.Database);
            db.Calls++;
            db.ExecSeconds += (now.At - finished.Since).TotalSeconds;
            _report = null;
        }
        if (_report is { } running)
        {
            _active++;
            _oldestActiveQuery = Math.Max(_oldestActiveQuery, (now.At - running.Since).TotalSeconds);
            _oldestXact = Math.Max(_oldestXact, _oldestActiveQuery);
        }
        _active = Math.Min(_active, _clients - _idleInTransaction);
        DistributeBackends(t);
    }

    private void AdvanceReplay(FleetMoment now)
    {
        if (!IsStandby) return;
        if (_trouble.ReplayBlocked is { } blocked)
        {
            _replayDelay = (now.At - blocked.Since).TotalSeconds;
            _replayBlockedIn = blocked.Database;
            // The report that holds replay back is the standby's oldest query and transaction.
            _active++;
            _oldestActiveQuery = Math.Max(_oldestActiveQuery, _replayDelay);
            _oldestXact = Math.Max(_oldestXact, _replayDelay);
            return;
        }
        if (_replayBlockedIn is { } cancelled)
        {
            // Replay got its way: the query was cancelled, a recovery conflict of the database it ran in.
            Database(cancelled).Conflicts++;
            _replayBlockedIn = null;
        }
        var usual = Random.Around(0.2, 0.15);
        _replayDelay = Math.Max(usual, _replayDelay - CatchUpSecondsPerSecond * now.StepSeconds);
    }

    private void AdvanceCheckpoints(FleetMoment now, double dt)
    {
        _buffersClean += 48 * dt * Random.Around(1, 0.4);
        _buffersBackend += 4 * dt * Random.Around(1, 0.5);
        _buffersAlloc += _databases.Sum(d => d.Profile.XactsPerSecond * d.Profile.BlockAccessesPerXact * d.Profile.MissShare) * dt;
        if (now.SinceStart.TotalSeconds < _nextCheckpointAt) return;
        // A timed checkpoint's counters move when it completes (checkpoint_completion_target spreads its writes).
        _nextCheckpointAt += CheckpointTimeout;
        _checkpointsTimed++;
        _checkpointWriteMs += Random.Around(269_500, 400);
        _checkpointSyncMs += Random.Around(310, 200);
        _buffersCheckpoint += Math.Round(Random.Around(41_000, 9_000));
    }

    private void AdvanceTuples(FleetMoment now, double dt)
    {
        if (IsStandby) return;
        var main = Database(_mainDatabase);
        _liveTuples += main.Profile.XactsPerSecond * 0.3 * dt;
        _deadTuples += main.Profile.XactsPerSecond * 0.8 * dt;
        // The end of each autovacuum run clears most dead tuples of the table it worked on.
        if (_autovacuumAge > 0 && _autovacuumAge + dt >= 65) _deadTuples *= 0.3;
    }

    /// <summary>pg_stat_database.numbackends: the client backends by database, the incidents' sessions where they are.</summary>
    private void DistributeBackends(Trouble t)
    {
        var extra = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string db, int n) => extra[db] = extra.GetValueOrDefault(db) + n;
        if (t.ExtraIdleConnections > 0) Add(_mainDatabase, Math.Min(t.ExtraIdleConnections, _clients));
        if (t.IdleInTransaction is { } idle) Add(idle.Database, 1);
        var ordinary = _clients - extra.Values.Sum();
        var left = ordinary;
        foreach (var db in _databases)
        {
            db.Backends = (int)Math.Floor(ordinary * db.Profile.ConnectionShare);
            left -= db.Backends;
        }
        Database(_mainDatabase).Backends += left;
        foreach (var (name, n) in extra) Database(name).Backends += n;
    }

    private PgDatabase Database(string name) => _databases.First(d => d.Name == name);

    // --- answers ------------------------------------------------------------------------------------------------

    protected override SampleSet Answer(FleetMoment now)
    {
        var samples = new SampleSet();
        foreach (var query in PostgreSqlQueries.For(_version, Statements))
            query.Map(Rows(query.Name), samples);
        return samples;
    }

    protected override TimeSpan ScrapeTime() => TimeSpan.FromMilliseconds(Random.Around(14, 6));

    private IReadOnlyList<ResultRow> Rows(string query) => query switch
    {
        "databases" => DatabaseRows(),
        "activity" => ActivityRows(),
        "locks" => LockRows(),
        "recovery" => new RowSet("in_recovery", "replay_lag_seconds").Add(IsStandby, IsStandby ? _replayDelay : null).Rows,
        "standbys" => StandbyRows(),
        "slots" => SlotRows(),
        "tuples" => new RowSet("dead_tuples", "live_tuples").Add(Math.Floor(_deadTuples), Math.Floor(_liveTuples)).Rows,
        "checkpoints" => CheckpointRows(),
        "statements" => StatementRows(),
        "statements_info" => new RowSet("dealloc").Add(37d).Rows,
        _ => throw new InvalidOperationException($"the simulated PostgreSQL server has no answer to the collector's query '{query}'"),
    };

    private IReadOnlyList<ResultRow> DatabaseRows()
    {
        var rows = new RowSet("database_name", "backends", "xact_commit", "xact_rollback", "blks_read", "blks_hit", "deadlocks", "temp_bytes", "conflicts",
            "blk_read_time_ms", "blk_write_time_ms", "size_bytes", "frozen_xid_age");
        var xids = (Primary ?? this)._xidsConsumed;
        foreach (var db in _databases.OrderBy(d => d.Name, StringComparer.Ordinal))
            rows.Add(db.Name, (double)db.Backends, Math.Floor(db.Commits), Math.Floor(db.Rollbacks), Math.Floor(db.Reads), Math.Floor(db.Hits),
                db.Deadlocks, Math.Floor(db.TempBytes), db.Conflicts, Math.Round(db.ReadTimeMs, 3), Math.Round(db.WriteTimeMs, 3),
                Math.Floor(db.Size), Math.Floor(db.Profile.FrozenXidAge + xids));
        return rows.Rows;
    }

    private IReadOnlyList<ResultRow> ActivityRows() =>
        new RowSet("connections_used", "max_connections", "active", "idle", "idle_in_transaction", "idle_in_transaction_aborted",
                "fastpath_function_call", "disabled", "waiting_on_locks", "oldest_xact_age_seconds", "oldest_idle_in_xact_seconds", "oldest_active_query_seconds")
            .Add((double)_clients, (double)_maxConnections, (double)_active, (double)(_clients - _active - _idleInTransaction), (double)_idleInTransaction,
                0d, 0d, 0d, (double)_waitingOnLocks, Math.Round(_oldestXact, 6), Math.Round(_oldestIdleInTransaction, 6), Math.Round(_oldestActiveQuery, 6))
            .Rows;

    /// <summary>pg_locks grouped by mode, as the server lists them: only the modes someone holds or awaits.</summary>
    private IReadOnlyList<ResultRow> LockRows()
    {
        var rows = new RowSet("mode", "locks", "not_granted");
        var writers = IsStandby ? 0 : Math.Max(1, _active / 2);
        // Every transaction holds its virtualxid (ExclusiveLock), the collector's own included; readers hold
        // AccessShareLock on each relation they touch.
        rows.Add("AccessShareLock", (double)(_active * 6 + _idleInTransaction * 3 + 9), 0d);
        rows.Add("ExclusiveLock", (double)(_active + _idleInTransaction + 1 + writers), 0d);
        if (writers > 0) rows.Add("RowExclusiveLock", (double)(writers * 3), 0d);
        if (_trouble.IdleInTransaction is not null) rows.Add("RowShareLock", 2d, 0d);
        if (_autovacuumAge > 0) rows.Add("ShareUpdateExclusiveLock", 2d, 0d);
        // Row lock waits show as a ShareLock on the other transaction's id, not granted.
        if (_notGranted > 0) rows.Add("ShareLock", (double)_notGranted, (double)_notGranted);
        return rows.Rows;
    }

    private IReadOnlyList<ResultRow> StandbyRows()
    {
        var rows = new RowSet("standby", "lag_bytes", "replay_lag_seconds");
        foreach (var standby in _standbys)
            rows.Add(standby.Id, Math.Floor(WalBytesPerSecond * standby._replayDelay), Math.Round(standby._replayDelay, 6));
        return rows.Rows;
    }

    /// <summary>A physical slot per standby (it follows the standby's flush position, not its replay) and a CDC connector's logical slot.</summary>
    private IReadOnlyList<ResultRow> SlotRows()
    {
        var rows = new RowSet("slot_name", "active", "retained_wal_bytes");
        if (IsStandby || Target.Environment != "production") return rows.Rows;
        foreach (var standby in _standbys)
            rows.Add(standby.Id.Replace('-', '_'), true, Math.Floor(WalBytesPerSecond * Random.Around(0.08, 0.05)));
        rows.Add("debezium_" + _mainDatabase, true, Math.Floor(WalBytesPerSecond * _cdcLagSeconds));
        return rows.Rows;
    }

    private IReadOnlyList<ResultRow> CheckpointRows() =>
        new RowSet("checkpoints_timed", "checkpoints_requested", "write_time_ms", "sync_time_ms", "buffers_written", "buffers_clean", "maxwritten_clean",
                "buffers_backend", "buffers_alloc")
            .Add(_checkpointsTimed, _checkpointsRequested, Math.Round(_checkpointWriteMs), Math.Round(_checkpointSyncMs), _buffersCheckpoint,
                Math.Floor(_buffersClean), _maxwrittenClean, _version.Major >= 17 ? null : Math.Floor(_buffersBackend), Math.Floor(_buffersAlloc))
            .Rows;

    private IReadOnlyList<ResultRow> StatementRows()
    {
        var rows = new RowSet("database_name", "calls", "exec_seconds", "rows");
        foreach (var db in _databases.Where(d => d.Profile.StatementsPerXact > 0).OrderBy(d => d.Name, StringComparer.Ordinal))
            rows.Add(db.Name, Math.Floor(db.Calls), Math.Round(db.ExecSeconds, 6), Math.Floor(db.Rows));
        return rows.Rows;
    }
}
