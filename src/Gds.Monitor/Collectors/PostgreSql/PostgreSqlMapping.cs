using Gds.Contracts.Metrics.Catalog;
using M = Gds.Contracts.Metrics.Catalog.PostgreSqlMetrics;

namespace Gds.Monitor.Collectors.PostgreSql;

/// <summary>
/// Rows of <see cref="PostgreSqlQueries"/> → samples. Readings that exist once per database, standby or slot are
/// published per item with its label and also as one instance-level aggregate without labels, for rules that do not
/// care which database or standby it is.
/// </summary>
public static class PostgreSqlMapping
{
    public static void Databases(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double commits = 0, rollbacks = 0, read = 0, hit = 0, readTime = 0, writeTime = 0, deadlocks = 0, temp = 0, conflicts = 0, size = 0, wraparound = 0;
        foreach (var r in rows)
        {
            var db = r.Text("database_name");
            var ratio = r.Number("frozen_xid_age", 0) / PostgreSqlQueries.WraparoundXids;
            s.Add(M.DatabaseBackends, r.Number("backends", 0), db);
            s.Add(M.DatabaseXactCommit, r.Number("xact_commit", 0), db);
            s.Add(M.DatabaseXactRollback, r.Number("xact_rollback", 0), db);
            s.Add(M.DatabaseXact, r.Number("xact_commit", 0) + r.Number("xact_rollback", 0), db);
            s.Add(M.DatabaseBlksAccessed, r.Number("blks_hit", 0) + r.Number("blks_read", 0), db);
            s.Add(M.DatabaseBlksRead, r.Number("blks_read", 0), db);
            s.Add(M.DatabaseBlksHit, r.Number("blks_hit", 0), db);
            s.Add(M.DatabaseBlkReadTime, r.Number("blk_read_time_ms", 0) / 1000, db);
            s.Add(M.DatabaseBlkWriteTime, r.Number("blk_write_time_ms", 0) / 1000, db);
            s.Add(M.DatabaseDeadlocks, r.Number("deadlocks", 0), db);
            s.Add(M.DatabaseTempBytes, r.Number("temp_bytes", 0), db);
            s.Add(M.DatabaseConflicts, r.Number("conflicts", 0), db);
            s.Add(M.DatabaseSize, r.Number("size_bytes", 0), db);
            s.Add(M.DatabaseFrozenXidAge, r.Number("frozen_xid_age", 0), db);
            s.Add(M.DatabaseWraparound, ratio, db);
            commits += r.Number("xact_commit", 0);
            rollbacks += r.Number("xact_rollback", 0);
            read += r.Number("blks_read", 0);
            hit += r.Number("blks_hit", 0);
            readTime += r.Number("blk_read_time_ms", 0) / 1000;
            writeTime += r.Number("blk_write_time_ms", 0) / 1000;
            deadlocks += r.Number("deadlocks", 0);
            temp += r.Number("temp_bytes", 0);
            conflicts += r.Number("conflicts", 0);
            size += r.Number("size_bytes", 0);
            wraparound = Math.Max(wraparound, ratio);
        }
        s.Add(M.XactCommit, commits);
        s.Add(M.XactRollback, rollbacks);
        s.Add(M.Xact, commits + rollbacks);
        s.Add(M.BlksAccessed, hit + read);
        s.Add(M.BlksRead, read);
        s.Add(M.BlksHit, hit);
        s.Add(M.BlkReadTime, readTime);
        s.Add(M.BlkWriteTime, writeTime);
        s.Add(M.Deadlocks, deadlocks);
        s.Add(M.TempBytes, temp);
        s.Add(M.Conflicts, conflicts);
        s.Add(M.DatabasesSize, size);
        s.Add(M.Wraparound, wraparound);
    }

    public static void Activity(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = Single(rows);
        var used = r.Number("connections_used", 0);
        var max = r.Number("max_connections", 0);
        s.Add(M.ConnectionsUsed, used);
        s.Add(M.ConnectionsMax, max);
        s.Add(M.ConnectionsUsedRatio, max > 0 ? used / max : 0);
        foreach (var (column, metric) in SessionStates) s.Add(metric, r.Number(column, 0));
        s.Add(M.SessionsWaitingOnLocks, r.Number("waiting_on_locks", 0));
        s.Add(M.OldestTransactionAge, r.Number("oldest_xact_age_seconds", 0));
        s.Add(M.OldestIdleInTransactionAge, r.Number("oldest_idle_in_xact_seconds", 0));
        s.Add(M.OldestActiveQueryAge, r.Number("oldest_active_query_seconds", 0));
    }

    /// <summary>pg_stat_activity.state values, as the activity query's column aliases, and their metrics.</summary>
    public static readonly IReadOnlyList<(string Column, MetricDefinition Metric)> SessionStates =
    [
        ("active", M.SessionsActive), ("idle", M.SessionsIdle), ("idle_in_transaction", M.SessionsIdleInTransaction),
        ("idle_in_transaction_aborted", M.SessionsIdleInTransactionAborted),
        ("fastpath_function_call", M.SessionsFastpathFunctionCall), ("disabled", M.SessionsDisabled),
    ];

    /// <summary>
    /// Every mode pg_locks reports (the eight table-level modes and SERIALIZABLE's predicate locks), always published
    /// (0 when none is held) so a rule never sees a gap.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, MetricDefinition> LockModes = new Dictionary<string, MetricDefinition>(StringComparer.Ordinal)
    {
        ["AccessShareLock"] = M.LocksAccessShare,
        ["RowShareLock"] = M.LocksRowShare,
        ["RowExclusiveLock"] = M.LocksRowExclusive,
        ["ShareUpdateExclusiveLock"] = M.LocksShareUpdateExclusive,
        ["ShareLock"] = M.LocksShare,
        ["ShareRowExclusiveLock"] = M.LocksShareRowExclusive,
        ["ExclusiveLock"] = M.LocksExclusive,
        ["AccessExclusiveLock"] = M.LocksAccessExclusive,
        ["SIReadLock"] = M.LocksSiRead,
    };

    public static void Locks(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var counts = LockModes.Keys.ToDictionary(m => m, _ => 0d, StringComparer.Ordinal);
        double notGranted = 0;
        foreach (var r in rows)
        {
            // A mode a future server adds has no metric yet; its waiters still count in pg_locks_not_granted.
            if (counts.ContainsKey(r.Text("mode"))) counts[r.Text("mode")] += r.Number("locks", 0);
            notGranted += r.Number("not_granted", 0);
        }
        foreach (var (mode, n) in counts) s.Add(LockModes[mode], n);
        s.Add(M.LocksNotGranted, notGranted);
    }

    public static void Recovery(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = Single(rows);
        var inRecovery = r.Flag("in_recovery");
        s.Add(M.InRecovery, inRecovery);
        // Only a standby replays; a primary publishing 0 here would read as "perfectly caught up".
        if (inRecovery) s.Add(M.ReplayLag, r.Number("replay_lag_seconds", 0));
    }

    public static void Standbys(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double maxLag = 0;
        foreach (var r in rows)
        {
            var standby = r.Text("standby");
            var lag = r.Number("lag_bytes", 0);
            s.Add(M.StandbyLagBytes, lag, standby);
            if (r.Number("replay_lag_seconds") is { } seconds) s.Add(M.StandbyReplayLag, seconds, standby);
            maxLag = Math.Max(maxLag, lag);
        }
        s.Add(M.Standbys, rows.Count);
        s.Add(M.MaxStandbyLagBytes, maxLag);
    }

    public static void Slots(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double maxRetained = 0, inactive = 0;
        foreach (var r in rows)
        {
            var slot = r.Text("slot_name");
            var active = r.Flag("active");
            s.Add(M.SlotActive, active, slot);
            if (r.Number("retained_wal_bytes") is { } retained)
            {
                s.Add(M.SlotRetainedWal, retained, slot);
                maxRetained = Math.Max(maxRetained, retained);
            }
            if (!active) inactive++;
        }
        s.Add(M.Slots, rows.Count);
        s.Add(M.SlotsInactive, inactive);
        s.Add(M.SlotsMaxRetainedWal, maxRetained);
    }

    public static void Tuples(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = Single(rows);
        var dead = r.Number("dead_tuples", 0);
        var live = r.Number("live_tuples", 0);
        s.Add(M.DeadTuples, dead);
        s.Add(M.LiveTuples, live);
        s.Add(M.DeadTuplesRatio, dead + live > 0 ? dead / (dead + live) : 0);
    }

    public static void Checkpoints(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = Single(rows);
        s.Add(M.CheckpointsTimed, r.Number("checkpoints_timed", 0));
        s.Add(M.CheckpointsRequested, r.Number("checkpoints_requested", 0));
        s.Add(M.CheckpointWriteTime, r.Number("write_time_ms", 0) / 1000);
        s.Add(M.CheckpointSyncTime, r.Number("sync_time_ms", 0) / 1000);
        s.Add(M.CheckpointBuffersWritten, r.Number("buffers_written", 0));
        s.Add(M.BgwriterBuffersClean, r.Number("buffers_clean", 0));
        s.Add(M.BgwriterMaxwrittenClean, r.Number("maxwritten_clean", 0));
        s.Add(M.BgwriterBuffersAlloc, r.Number("buffers_alloc", 0));
        // Gone in 17 (backends' own writes moved to pg_stat_io): absent rather than a misleading 0.
        if (r.Number("buffers_backend") is { } backend) s.Add(M.BgwriterBuffersBackend, backend);
    }

    public static void Statements(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double calls = 0, seconds = 0, returned = 0;
        foreach (var r in rows)
        {
            var db = r.Text("database_name");
            s.Add(M.DatabaseStatementCalls, r.Number("calls", 0), db);
            s.Add(M.DatabaseStatementTime, r.Number("exec_seconds", 0), db);
            s.Add(M.DatabaseStatementRows, r.Number("rows", 0), db);
            calls += r.Number("calls", 0);
            seconds += r.Number("exec_seconds", 0);
            returned += r.Number("rows", 0);
        }
        s.Add(M.StatementCalls, calls);
        s.Add(M.StatementTime, seconds);
        s.Add(M.StatementRows, returned);
    }

    public static void StatementsInfo(IReadOnlyList<ResultRow> rows, SampleSet s) =>
        s.Add(M.StatementDeallocations, Single(rows).Number("dealloc", 0));

    private static ResultRow Single(IReadOnlyList<ResultRow> rows) =>
        rows.Count == 1 ? rows[0] : throw new InvalidOperationException($"expected one row, got {rows.Count}");
}
