using System.Text;

namespace Gds.Monitor.Collectors.PostgreSql;

/// <summary>
/// Rows of <see cref="PostgreSqlQueries"/> → samples. Readings that exist once per database, standby or slot are
/// published twice: per item with a label, and as one instance-level aggregate without labels. The topology keys
/// series by instance and metric name, so the aggregate is what a generic rule should select; the labelled ones
/// serve rules that match the label.
/// </summary>
public static class PostgreSqlMapping
{
    public static void Databases(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double commits = 0, rollbacks = 0, read = 0, hit = 0, deadlocks = 0, temp = 0, conflicts = 0, size = 0, wraparound = 0;
        foreach (var r in rows)
        {
            var db = new Dictionary<string, string>(1) { ["database"] = r.Text("database_name") };
            var ratio = r.Number("frozen_xid_age", 0) / PostgreSqlQueries.WraparoundXids;
            s.Add("pg_database_backends", r.Number("backends", 0), db);
            s.Add("pg_database_xact_commit_total", r.Number("xact_commit", 0), db);
            s.Add("pg_database_xact_rollback_total", r.Number("xact_rollback", 0), db);
            s.Add("pg_database_blks_read_total", r.Number("blks_read", 0), db);
            s.Add("pg_database_blks_hit_total", r.Number("blks_hit", 0), db);
            s.Add("pg_database_deadlocks_total", r.Number("deadlocks", 0), db);
            s.Add("pg_database_temp_bytes_total", r.Number("temp_bytes", 0), db);
            s.Add("pg_database_conflicts_total", r.Number("conflicts", 0), db);
            s.Add("pg_database_size_bytes", r.Number("size_bytes", 0), db);
            s.Add("pg_database_frozen_xid_age", r.Number("frozen_xid_age", 0), db);
            s.Add("pg_database_wraparound_ratio", ratio, db);
            commits += r.Number("xact_commit", 0);
            rollbacks += r.Number("xact_rollback", 0);
            read += r.Number("blks_read", 0);
            hit += r.Number("blks_hit", 0);
            deadlocks += r.Number("deadlocks", 0);
            temp += r.Number("temp_bytes", 0);
            conflicts += r.Number("conflicts", 0);
            size += r.Number("size_bytes", 0);
            wraparound = Math.Max(wraparound, ratio);
        }
        s.Add("pg_xact_commit_total", commits);
        s.Add("pg_xact_rollback_total", rollbacks);
        s.Add("pg_blks_read_total", read);
        s.Add("pg_blks_hit_total", hit);
        s.Add("pg_deadlocks_total", deadlocks);
        s.Add("pg_temp_bytes_total", temp);
        s.Add("pg_conflicts_total", conflicts);
        s.Add("pg_databases_size_bytes", size);
        s.Add("pg_wraparound_ratio", wraparound);
    }

    public static void Activity(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = Single(rows, "activity");
        var used = r.Number("connections_used", 0);
        var max = r.Number("max_connections", 0);
        s.Add("pg_connections_used", used);
        s.Add("pg_connections_max", max);
        s.Add("pg_connections_used_ratio", max > 0 ? used / max : 0);
        foreach (var state in SessionStates) s.Add("pg_sessions_" + state, r.Number(state, 0));
        s.Add("pg_sessions_waiting_on_locks", r.Number("waiting_on_locks", 0));
        s.Add("pg_oldest_transaction_age_seconds", r.Number("oldest_xact_age_seconds", 0));
        s.Add("pg_oldest_idle_in_transaction_age_seconds", r.Number("oldest_idle_in_xact_seconds", 0));
    }

    /// <summary>pg_stat_activity.state values, as column aliases and metric-name suffixes.</summary>
    public static readonly IReadOnlyList<string> SessionStates =
        ["active", "idle", "idle_in_transaction", "idle_in_transaction_aborted", "fastpath_function_call", "disabled"];

    /// <summary>The table-level lock modes, always published (0 when none is held) so a rule never sees a gap.</summary>
    public static readonly IReadOnlyList<string> LockModes =
    [
        "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
        "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock",
    ];

    public static void Locks(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var counts = LockModes.ToDictionary(m => m, _ => 0d, StringComparer.Ordinal);
        double notGranted = 0;
        foreach (var r in rows)
        {
            var mode = r.Text("mode");
            counts[mode] = counts.GetValueOrDefault(mode) + r.Number("locks", 0);
            notGranted += r.Number("not_granted", 0);
        }
        foreach (var (mode, n) in counts) s.Add("pg_locks_" + LockModeName(mode), n);
        s.Add("pg_locks_not_granted", notGranted);
    }

    /// <summary>AccessShareLock → access_share, SIReadLock → si_read.</summary>
    public static string LockModeName(string mode)
    {
        var name = mode.EndsWith("Lock", StringComparison.Ordinal) ? mode[..^4] : mode;
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var boundary = i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (boundary) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    public static void Recovery(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = Single(rows, "recovery");
        var inRecovery = r.Flag("in_recovery");
        s.Add("pg_in_recovery", inRecovery);
        // Only a standby replays; a primary publishing 0 here would read as "perfectly caught up".
        if (inRecovery) s.Add("pg_replication_replay_lag_seconds", r.Number("replay_lag_seconds", 0));
    }

    public static void Standbys(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double maxLag = 0;
        foreach (var r in rows)
        {
            var standby = new Dictionary<string, string>(1) { ["standby"] = r.Text("standby") };
            var lag = r.Number("lag_bytes", 0);
            s.Add("pg_replication_standby_lag_bytes", lag, standby);
            if (r.Number("replay_lag_seconds") is { } seconds) s.Add("pg_replication_standby_replay_lag_seconds", seconds, standby);
            maxLag = Math.Max(maxLag, lag);
        }
        s.Add("pg_replication_standbys", rows.Count);
        s.Add("pg_replication_max_standby_lag_bytes", maxLag);
    }

    public static void Slots(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double maxRetained = 0, inactive = 0;
        foreach (var r in rows)
        {
            var slot = new Dictionary<string, string>(1) { ["slot"] = r.Text("slot_name") };
            var active = r.Flag("active");
            s.Add("pg_replication_slot_active", active, slot);
            if (r.Number("retained_wal_bytes") is { } retained)
            {
                s.Add("pg_replication_slot_retained_wal_bytes", retained, slot);
                maxRetained = Math.Max(maxRetained, retained);
            }
            if (!active) inactive++;
        }
        s.Add("pg_replication_slots", rows.Count);
        s.Add("pg_replication_slots_inactive", inactive);
        s.Add("pg_replication_slots_max_retained_wal_bytes", maxRetained);
    }

    public static void Tuples(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = Single(rows, "tuples");
        var dead = r.Number("dead_tuples", 0);
        var live = r.Number("live_tuples", 0);
        s.Add("pg_dead_tuples", dead);
        s.Add("pg_live_tuples", live);
        s.Add("pg_dead_tuples_ratio", dead + live > 0 ? dead / (dead + live) : 0);
    }

    public static void Checkpoints(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = Single(rows, "checkpoints");
        s.Add("pg_checkpoints_timed_total", r.Number("checkpoints_timed", 0));
        s.Add("pg_checkpoints_requested_total", r.Number("checkpoints_requested", 0));
        s.Add("pg_checkpoint_write_seconds_total", r.Number("write_time_ms", 0) / 1000);
        s.Add("pg_checkpoint_sync_seconds_total", r.Number("sync_time_ms", 0) / 1000);
        s.Add("pg_checkpoint_buffers_written_total", r.Number("buffers_written", 0));
        s.Add("pg_bgwriter_buffers_clean_total", r.Number("buffers_clean", 0));
        s.Add("pg_bgwriter_maxwritten_clean_total", r.Number("maxwritten_clean", 0));
        s.Add("pg_bgwriter_buffers_alloc_total", r.Number("buffers_alloc", 0));
        // Gone in 17 (backends' own writes moved to pg_stat_io): absent rather than a misleading 0.
        if (r.Number("buffers_backend") is { } backend) s.Add("pg_bgwriter_buffers_backend_total", backend);
    }

    private static ResultRow Single(IReadOnlyList<ResultRow> rows, string query) =>
        rows.Count == 1 ? rows[0] : throw new InvalidOperationException($"expected one row, got {rows.Count}");
}
