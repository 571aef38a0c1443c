namespace Gds.Monitor.Collectors.PostgreSql;

/// <summary>
/// The statements the PostgreSQL collector runs, as one batch (one round trip per scrape), chosen by server version:
/// 17 moved the checkpoint counters from pg_stat_bgwriter to pg_stat_checkpointer. Every value is cast to float8 in
/// SQL so the mapping reads one numeric type whatever the server version returns (extract() became numeric in 14).
/// The monitoring role needs pg_monitor.
/// </summary>
public static class PostgreSqlQueries
{
    public static readonly Version Minimum = new(12, 0);

    /// <summary>Roughly the transaction-id distance to wraparound (2^31); the ratio's denominator.</summary>
    public const double WraparoundXids = 2147483648d;

    public const string Databases = """
        SELECT d.datname AS database_name,
               d.numbackends::float8 AS backends,
               d.xact_commit::float8 AS xact_commit,
               d.xact_rollback::float8 AS xact_rollback,
               d.blks_read::float8 AS blks_read,
               d.blks_hit::float8 AS blks_hit,
               d.deadlocks::float8 AS deadlocks,
               d.temp_bytes::float8 AS temp_bytes,
               d.conflicts::float8 AS conflicts,
               d.blk_read_time::float8 AS blk_read_time_ms,
               d.blk_write_time::float8 AS blk_write_time_ms,
               pg_database_size(d.datid)::float8 AS size_bytes,
               age(db.datfrozenxid)::float8 AS frozen_xid_age
        FROM pg_stat_database AS d
        JOIN pg_database AS db ON db.oid = d.datid
        WHERE db.datallowconn
        ORDER BY d.datname
        """;

    public const string Activity = """
        SELECT count(*) FILTER (WHERE backend_type = 'client backend')::float8 AS connections_used,
               current_setting('max_connections')::float8 AS max_connections,
               count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active')::float8 AS active,
               count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'idle')::float8 AS idle,
               count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'idle in transaction')::float8 AS idle_in_transaction,
               count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'idle in transaction (aborted)')::float8 AS idle_in_transaction_aborted,
               count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'fastpath function call')::float8 AS fastpath_function_call,
               count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'disabled')::float8 AS disabled,
               count(*) FILTER (WHERE wait_event_type = 'Lock')::float8 AS waiting_on_locks,
               coalesce(max(extract(epoch FROM clock_timestamp() - xact_start))
                        FILTER (WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()), 0)::float8 AS oldest_xact_age_seconds,
               coalesce(max(extract(epoch FROM clock_timestamp() - state_change))
                        FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')), 0)::float8 AS oldest_idle_in_xact_seconds,
               coalesce(max(extract(epoch FROM clock_timestamp() - query_start))
                        FILTER (WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()), 0)::float8 AS oldest_active_query_seconds
        FROM pg_stat_activity
        """;

    public const string Locks = """
        SELECT mode, count(*)::float8 AS locks, count(*) FILTER (WHERE NOT granted)::float8 AS not_granted
        FROM pg_locks
        GROUP BY mode
        """;

    public const string Recovery = """
        SELECT pg_is_in_recovery() AS in_recovery,
               (CASE WHEN NOT pg_is_in_recovery() THEN NULL
                     WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                     ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
                END)::float8 AS replay_lag_seconds
        """;

    // On a standby pg_current_wal_lsn() raises an error, so cascaded standbys and slots are measured from the last
    // received position there. Standbys that leave application_name at its default all call themselves
    // "walreceiver": those get their address and port (or pid) appended, so each is its own series.
    public const string Standbys = """
        SELECT CASE WHEN count(*) OVER (PARTITION BY name) = 1 THEN name
                    ELSE name || '@' || coalesce(host(client_addr) || ':' || client_port, pid::text) END AS standby,
               lag_bytes, replay_lag_seconds
        FROM (SELECT coalesce(nullif(application_name, ''), host(client_addr), pid::text) AS name, client_addr, client_port, pid,
                     pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,
                                     replay_lsn)::float8 AS lag_bytes,
                     extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds
              FROM pg_stat_replication) AS r
        """;

    public const string Slots = """
        SELECT slot_name, active,
               pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,
                               restart_lsn)::float8 AS retained_wal_bytes
        FROM pg_replication_slots
        """;

    public const string Tuples = """
        SELECT coalesce(sum(n_dead_tup), 0)::float8 AS dead_tuples,
               coalesce(sum(n_live_tup), 0)::float8 AS live_tuples
        FROM pg_stat_user_tables
        """;

    public const string CheckpointsBefore17 = """
        SELECT checkpoints_timed::float8 AS checkpoints_timed,
               checkpoints_req::float8 AS checkpoints_requested,
               checkpoint_write_time::float8 AS write_time_ms,
               checkpoint_sync_time::float8 AS sync_time_ms,
               buffers_checkpoint::float8 AS buffers_written,
               buffers_clean::float8 AS buffers_clean,
               maxwritten_clean::float8 AS maxwritten_clean,
               buffers_backend::float8 AS buffers_backend,
               buffers_alloc::float8 AS buffers_alloc
        FROM pg_stat_bgwriter
        """;

    public const string Checkpoints17 = """
        SELECT c.num_timed::float8 AS checkpoints_timed,
               c.num_requested::float8 AS checkpoints_requested,
               c.write_time::float8 AS write_time_ms,
               c.sync_time::float8 AS sync_time_ms,
               c.buffers_written::float8 AS buffers_written,
               b.buffers_clean::float8 AS buffers_clean,
               b.maxwritten_clean::float8 AS maxwritten_clean,
               NULL::float8 AS buffers_backend,
               b.buffers_alloc::float8 AS buffers_alloc
        FROM pg_stat_checkpointer AS c CROSS JOIN pg_stat_bgwriter AS b
        """;

    /// <summary>
    /// Whether pg_stat_statements can be read, and how: the extension must be created in the target's database and
    /// preloaded (otherwise reading it raises an error). Runs at the end of every batch, so the next scrape follows an
    /// extension installed or dropped in the meantime. pg_read_all_settings (in pg_monitor) may read
    /// shared_preload_libraries.
    /// </summary>
    public const string StatementsProbe = """
        SELECT e.extversion AS version, n.nspname AS schema_name,
               'pg_stat_statements' = ANY (string_to_array(replace(coalesce(current_setting('shared_preload_libraries', true), ''), ' ', ''), ',')) AS preloaded
        FROM pg_extension AS e
        JOIN pg_namespace AS n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_stat_statements'
        """;

    /// <summary>
    /// Sums per database, never per statement: a queryid label would make every distinct statement a series of its
    /// own (thousands per server, coming and going as entries are evicted). pg_stat_statements(false) leaves the
    /// query texts unread, which is most of the cost of reading the view. Only top-level statements count where
    /// the extension tells them apart (1.9+), so track = all does not count a function's statements twice.
    /// </summary>
    public static string Statements(StatementsSource source) => $"""
        SELECT d.datname AS database_name,
               sum(s.calls)::float8 AS calls,
               (sum(s.{(source.HasExecTime ? "total_exec_time" : "total_time")}) / 1000)::float8 AS exec_seconds,
               sum(s.rows)::float8 AS rows
        FROM {source.QualifiedName("pg_stat_statements")}(false) AS s
        JOIN pg_database AS d ON d.oid = s.dbid
        {(source.HasToplevel ? "WHERE s.toplevel" : "")}
        GROUP BY d.datname
        ORDER BY d.datname
        """;

    public static string StatementsInfo(StatementsSource source) =>
        $"SELECT dealloc::float8 AS dealloc FROM {source.QualifiedName("pg_stat_statements_info")}";

    /// <summary>The batch for a server version; throws for servers older than 12.</summary>
    public static IReadOnlyList<SqlQuery> For(Version serverVersion, StatementsSource? statements = null)
    {
        if (serverVersion < Minimum)
            throw new NotSupportedException($"PostgreSQL {serverVersion.Major}.{serverVersion.Minor} is not supported (12 or later)");
        List<SqlQuery> queries =
        [
            new SqlQuery("databases", Databases, PostgreSqlMapping.Databases),
            new SqlQuery("activity", Activity, PostgreSqlMapping.Activity),
            new SqlQuery("locks", Locks, PostgreSqlMapping.Locks),
            new SqlQuery("recovery", Recovery, PostgreSqlMapping.Recovery),
            new SqlQuery("standbys", Standbys, PostgreSqlMapping.Standbys),
            new SqlQuery("slots", Slots, PostgreSqlMapping.Slots),
            new SqlQuery("tuples", Tuples, PostgreSqlMapping.Tuples),
            new SqlQuery("checkpoints", serverVersion.Major >= 17 ? Checkpoints17 : CheckpointsBefore17, PostgreSqlMapping.Checkpoints),
        ];
        if (statements is not null)
        {
            queries.Add(new SqlQuery("statements", Statements(statements), PostgreSqlMapping.Statements));
            if (statements.HasInfo) queries.Add(new SqlQuery("statements_info", StatementsInfo(statements), PostgreSqlMapping.StatementsInfo));
        }
        return queries;
    }
}
