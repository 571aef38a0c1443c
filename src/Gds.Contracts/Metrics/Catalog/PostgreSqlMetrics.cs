namespace Gds.Contracts.Metrics.Catalog;

/// <summary>
/// The metrics of PostgreSQL targets. Readings kept once per database, standby or slot carry that label and also have
/// an instance-level aggregate without it (a sum, or the worst value), for rules that do not care which one.
/// </summary>
public static class PostgreSqlMetrics
{
    private const string Db = DatabaseTypes.PostgreSql;
    private const string Database = "database";

    // pg_stat_database, per database that accepts connections.
    public static readonly MetricDefinition DatabaseBackends = MetricDefinition.Gauge(Db, "pg_database_backends", "connections",
        "Backends connected to the database (pg_stat_database.numbackends)", Database);
    public static readonly MetricDefinition DatabaseXactCommit = MetricDefinition.Counter(Db, "pg_database_xact_commit_total", "transactions",
        "Transactions committed in the database since the statistics were reset", Database);
    public static readonly MetricDefinition DatabaseXactRollback = MetricDefinition.Counter(Db, "pg_database_xact_rollback_total", "transactions",
        "Transactions rolled back in the database (errors and explicit ROLLBACKs) since the statistics were reset", Database);
    // Commits + rollbacks and hits + reads, as counters of their own: a burn-rate rule needs the total of all events
    // as one counter (rollbacks / transactions, misses / block accesses).
    public static readonly MetricDefinition DatabaseXact = MetricDefinition.Counter(Db, "pg_database_xact_total", "transactions",
        "Transactions of the database that ended, committed or rolled back (xact_commit + xact_rollback)", Database);
    public static readonly MetricDefinition DatabaseBlksAccessed = MetricDefinition.Counter(Db, "pg_database_blks_accessed_total", "blocks",
        "Blocks the database asked for, in shared buffers or not (blks_hit + blks_read): the total of its cache hit ratio", Database);
    public static readonly MetricDefinition DatabaseBlksRead = MetricDefinition.Counter(Db, "pg_database_blks_read_total", "blocks",
        "Blocks the database read that were not in shared buffers (from the OS cache or disk)", Database);
    public static readonly MetricDefinition DatabaseBlksHit = MetricDefinition.Counter(Db, "pg_database_blks_hit_total", "blocks",
        "Blocks the database found already in shared buffers", Database);
    public static readonly MetricDefinition DatabaseBlkReadTime = MetricDefinition.Counter(Db, "pg_database_blk_read_seconds_total", "seconds",
        "Time backends spent reading data file blocks in the database (pg_stat_database.blk_read_time; 0 unless track_io_timing is on)", Database);
    public static readonly MetricDefinition DatabaseBlkWriteTime = MetricDefinition.Counter(Db, "pg_database_blk_write_seconds_total", "seconds",
        "Time backends spent writing data file blocks in the database (pg_stat_database.blk_write_time; 0 unless track_io_timing is on)", Database);
    public static readonly MetricDefinition DatabaseDeadlocks = MetricDefinition.Counter(Db, "pg_database_deadlocks_total", "deadlocks",
        "Deadlocks detected in the database", Database);
    public static readonly MetricDefinition DatabaseTempBytes = MetricDefinition.Counter(Db, "pg_database_temp_bytes_total", "bytes",
        "Bytes queries of the database spilled to temporary files (sorts and hashes larger than work_mem)", Database);
    public static readonly MetricDefinition DatabaseConflicts = MetricDefinition.Counter(Db, "pg_database_conflicts_total", "queries",
        "Queries cancelled by conflicts with recovery (standbys only; always 0 on a primary)", Database);
    public static readonly MetricDefinition DatabaseSize = MetricDefinition.Gauge(Db, "pg_database_size_bytes", "bytes",
        "Disk space the database uses (pg_database_size)", Database);
    public static readonly MetricDefinition DatabaseFrozenXidAge = MetricDefinition.Gauge(Db, "pg_database_frozen_xid_age", "transactions",
        "Age of the database's oldest unfrozen transaction id, age(datfrozenxid): what anti-wraparound vacuum must bring down", Database);
    public static readonly MetricDefinition DatabaseWraparound = MetricDefinition.Gauge(Db, "pg_database_wraparound_ratio", "ratio",
        "age(datfrozenxid) / 2^31: 1 is transaction id wraparound; autovacuum_freeze_max_age's default is about 0.093", Database);

    // Sums (or the worst) over those databases.
    public static readonly MetricDefinition XactCommit = MetricDefinition.Counter(Db, "pg_xact_commit_total", "transactions",
        "Transactions committed, summed over the databases");
    public static readonly MetricDefinition XactRollback = MetricDefinition.Counter(Db, "pg_xact_rollback_total", "transactions",
        "Transactions rolled back, summed over the databases");
    public static readonly MetricDefinition Xact = MetricDefinition.Counter(Db, "pg_xact_total", "transactions",
        "Transactions that ended, committed or rolled back, summed over the databases");
    public static readonly MetricDefinition BlksAccessed = MetricDefinition.Counter(Db, "pg_blks_accessed_total", "blocks",
        "Blocks asked for, in shared buffers or not, summed over the databases");
    public static readonly MetricDefinition BlksRead = MetricDefinition.Counter(Db, "pg_blks_read_total", "blocks",
        "Blocks read outside shared buffers, summed over the databases");
    public static readonly MetricDefinition BlksHit = MetricDefinition.Counter(Db, "pg_blks_hit_total", "blocks",
        "Blocks found in shared buffers, summed over the databases");
    public static readonly MetricDefinition BlkReadTime = MetricDefinition.Counter(Db, "pg_blk_read_seconds_total", "seconds",
        "Time spent reading data file blocks, summed over the databases (0 unless track_io_timing is on)");
    public static readonly MetricDefinition BlkWriteTime = MetricDefinition.Counter(Db, "pg_blk_write_seconds_total", "seconds",
        "Time spent writing data file blocks, summed over the databases (0 unless track_io_timing is on)");
    public static readonly MetricDefinition Deadlocks = MetricDefinition.Counter(Db, "pg_deadlocks_total", "deadlocks",
        "Deadlocks detected, summed over the databases");
    public static readonly MetricDefinition TempBytes = MetricDefinition.Counter(Db, "pg_temp_bytes_total", "bytes",
        "Bytes spilled to temporary files, summed over the databases");
    public static readonly MetricDefinition Conflicts = MetricDefinition.Counter(Db, "pg_conflicts_total", "queries",
        "Queries cancelled by recovery conflicts, summed over the databases");
    public static readonly MetricDefinition DatabasesSize = MetricDefinition.Gauge(Db, "pg_databases_size_bytes", "bytes",
        "Disk space of all the databases together");
    public static readonly MetricDefinition Wraparound = MetricDefinition.Gauge(Db, "pg_wraparound_ratio", "ratio",
        "The worst database's age(datfrozenxid) / 2^31");

    // pg_stat_statements, only where the extension is installed in the target's database and preloaded.
    public static readonly MetricDefinition DatabaseStatementCalls = MetricDefinition.Counter(Db, "pg_database_statements_calls_total", "queries",
        "Statements executed in the database, as pg_stat_statements counts them (its entries, so an evicted entry's calls drop out)", Database);
    public static readonly MetricDefinition DatabaseStatementTime = MetricDefinition.Counter(Db, "pg_database_statements_exec_seconds_total", "seconds",
        "Time spent executing statements in the database (pg_stat_statements total_exec_time); divided by calls, the mean latency", Database);
    public static readonly MetricDefinition DatabaseStatementRows = MetricDefinition.Counter(Db, "pg_database_statements_rows_total", "rows",
        "Rows statements of the database returned or affected (pg_stat_statements rows)", Database);
    public static readonly MetricDefinition StatementCalls = MetricDefinition.Counter(Db, "pg_statements_calls_total", "queries",
        "Statements executed, summed over pg_stat_statements' entries of every database");
    public static readonly MetricDefinition StatementTime = MetricDefinition.Counter(Db, "pg_statements_exec_seconds_total", "seconds",
        "Time spent executing statements, summed over every database; rate of this over rate of calls is the mean latency");
    public static readonly MetricDefinition StatementRows = MetricDefinition.Counter(Db, "pg_statements_rows_total", "rows",
        "Rows returned or affected by statements, summed over every database");
    public static readonly MetricDefinition StatementDeallocations = MetricDefinition.Counter(Db, "pg_statements_deallocations_total", "entries",
        "pg_stat_statements entries evicted to make room (pg_stat_statements_info.dealloc, PostgreSQL 14+): when it grows the sums above undercount");

    // pg_stat_activity.
    public static readonly MetricDefinition ConnectionsUsed = MetricDefinition.Gauge(Db, "pg_connections_used", "connections",
        "Client backends connected (pg_stat_activity, backend_type 'client backend')");
    public static readonly MetricDefinition ConnectionsMax = MetricDefinition.Gauge(Db, "pg_connections_max", "connections",
        "The max_connections setting");
    public static readonly MetricDefinition ConnectionsUsedRatio = MetricDefinition.Gauge(Db, "pg_connections_used_ratio", "ratio",
        "Client backends / max_connections (superuser_reserved_connections are part of max_connections)");
    public static readonly MetricDefinition SessionsActive = MetricDefinition.Gauge(Db, "pg_sessions_active", "sessions",
        "Client backends running a query (state 'active')");
    public static readonly MetricDefinition SessionsIdle = MetricDefinition.Gauge(Db, "pg_sessions_idle", "sessions",
        "Client backends waiting for a command (state 'idle')");
    public static readonly MetricDefinition SessionsIdleInTransaction = MetricDefinition.Gauge(Db, "pg_sessions_idle_in_transaction", "sessions",
        "Client backends inside a transaction but not running a query (state 'idle in transaction'): they hold locks and the xmin horizon");
    public static readonly MetricDefinition SessionsIdleInTransactionAborted = MetricDefinition.Gauge(Db, "pg_sessions_idle_in_transaction_aborted", "sessions",
        "Client backends in a failed transaction not yet rolled back (state 'idle in transaction (aborted)')");
    public static readonly MetricDefinition SessionsFastpathFunctionCall = MetricDefinition.Gauge(Db, "pg_sessions_fastpath_function_call", "sessions",
        "Client backends executing a fast-path function (state 'fastpath function call')");
    public static readonly MetricDefinition SessionsDisabled = MetricDefinition.Gauge(Db, "pg_sessions_disabled", "sessions",
        "Client backends whose state is not tracked (track_activities off for them)");
    public static readonly MetricDefinition SessionsWaitingOnLocks = MetricDefinition.Gauge(Db, "pg_sessions_waiting_on_locks", "sessions",
        "Backends waiting for a heavyweight lock (wait_event_type 'Lock')");
    public static readonly MetricDefinition OldestTransactionAge = MetricDefinition.Gauge(Db, "pg_oldest_transaction_age_seconds", "seconds",
        "Age of the oldest open transaction of any backend but the collector's own (now - xact_start)");
    public static readonly MetricDefinition OldestIdleInTransactionAge = MetricDefinition.Gauge(Db, "pg_oldest_idle_in_transaction_age_seconds", "seconds",
        "How long the longest idle-in-transaction session has been idle (now - state_change)");
    public static readonly MetricDefinition OldestActiveQueryAge = MetricDefinition.Gauge(Db, "pg_oldest_active_query_age_seconds", "seconds",
        "How long the longest-running active query of a client backend has run (now - query_start; the collector's own and idle sessions excluded)");

    // pg_locks, by mode; all nine modes are always published so a rule never sees a gap.
    public static readonly MetricDefinition LocksAccessShare = MetricDefinition.Gauge(Db, "pg_locks_access_share", "locks",
        "Locks held or awaited in AccessShareLock mode (SELECT)");
    public static readonly MetricDefinition LocksRowShare = MetricDefinition.Gauge(Db, "pg_locks_row_share", "locks",
        "Locks held or awaited in RowShareLock mode (SELECT FOR UPDATE/SHARE)");
    public static readonly MetricDefinition LocksRowExclusive = MetricDefinition.Gauge(Db, "pg_locks_row_exclusive", "locks",
        "Locks held or awaited in RowExclusiveLock mode (INSERT, UPDATE, DELETE)");
    public static readonly MetricDefinition LocksShareUpdateExclusive = MetricDefinition.Gauge(Db, "pg_locks_share_update_exclusive", "locks",
        "Locks held or awaited in ShareUpdateExclusiveLock mode (VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY)");
    public static readonly MetricDefinition LocksShare = MetricDefinition.Gauge(Db, "pg_locks_share", "locks",
        "Locks held or awaited in ShareLock mode (CREATE INDEX)");
    public static readonly MetricDefinition LocksShareRowExclusive = MetricDefinition.Gauge(Db, "pg_locks_share_row_exclusive", "locks",
        "Locks held or awaited in ShareRowExclusiveLock mode (CREATE TRIGGER, some ALTER TABLE)");
    public static readonly MetricDefinition LocksExclusive = MetricDefinition.Gauge(Db, "pg_locks_exclusive", "locks",
        "Locks held or awaited in ExclusiveLock mode (REFRESH MATERIALIZED VIEW CONCURRENTLY, transaction ids)");
    public static readonly MetricDefinition LocksAccessExclusive = MetricDefinition.Gauge(Db, "pg_locks_access_exclusive", "locks",
        "Locks held or awaited in AccessExclusiveLock mode (DROP, TRUNCATE, most ALTER TABLE): blocks even SELECT");
    public static readonly MetricDefinition LocksSiRead = MetricDefinition.Gauge(Db, "pg_locks_si_read", "locks",
        "Predicate locks of SERIALIZABLE transactions (SIReadLock)");
    public static readonly MetricDefinition LocksNotGranted = MetricDefinition.Gauge(Db, "pg_locks_not_granted", "locks",
        "Lock requests waiting to be granted, whatever their mode");

    // Recovery and replication.
    public static readonly MetricDefinition InRecovery = MetricDefinition.Gauge(Db, "pg_in_recovery", "boolean",
        "1 on a standby (pg_is_in_recovery()), 0 on a primary");
    public static readonly MetricDefinition ReplayLag = MetricDefinition.Gauge(Db, "pg_replication_replay_lag_seconds", "seconds",
        "On a standby only: now - pg_last_xact_replay_timestamp() while received WAL is not yet replayed, 0 when all of it is");
    public static readonly MetricDefinition StandbyLagBytes = MetricDefinition.Gauge(Db, "pg_replication_standby_lag_bytes", "bytes",
        "WAL a standby has still to replay: the current (on a cascading standby, last received) position - its replay_lsn", "standby");
    public static readonly MetricDefinition StandbyReplayLag = MetricDefinition.Gauge(Db, "pg_replication_standby_replay_lag_seconds", "seconds",
        "pg_stat_replication.replay_lag of a standby: how long ago the WAL it has just replayed was written (absent while unknown)", "standby");
    public static readonly MetricDefinition Standbys = MetricDefinition.Gauge(Db, "pg_replication_standbys", "standbys",
        "Standbys streaming from this server (rows of pg_stat_replication)");
    public static readonly MetricDefinition MaxStandbyLagBytes = MetricDefinition.Gauge(Db, "pg_replication_max_standby_lag_bytes", "bytes",
        "The largest pg_replication_standby_lag_bytes of any standby, 0 without standbys");
    public static readonly MetricDefinition SlotActive = MetricDefinition.Gauge(Db, "pg_replication_slot_active", "boolean",
        "1 while a consumer is connected to the replication slot", "slot");
    public static readonly MetricDefinition SlotRetainedWal = MetricDefinition.Gauge(Db, "pg_replication_slot_retained_wal_bytes", "bytes",
        "WAL the slot keeps on disk (current position - restart_lsn): an abandoned slot fills the disk", "slot");
    public static readonly MetricDefinition Slots = MetricDefinition.Gauge(Db, "pg_replication_slots", "slots",
        "Replication slots defined");
    public static readonly MetricDefinition SlotsInactive = MetricDefinition.Gauge(Db, "pg_replication_slots_inactive", "slots",
        "Replication slots with no consumer connected");
    public static readonly MetricDefinition SlotsMaxRetainedWal = MetricDefinition.Gauge(Db, "pg_replication_slots_max_retained_wal_bytes", "bytes",
        "The most WAL any one slot retains");

    // pg_stat_user_tables of the target's database.
    public static readonly MetricDefinition DeadTuples = MetricDefinition.Gauge(Db, "pg_dead_tuples", "tuples",
        "Estimated dead rows in the user tables of the target's database, waiting for vacuum");
    public static readonly MetricDefinition LiveTuples = MetricDefinition.Gauge(Db, "pg_live_tuples", "tuples",
        "Estimated live rows in the user tables of the target's database");
    public static readonly MetricDefinition DeadTuplesRatio = MetricDefinition.Gauge(Db, "pg_dead_tuples_ratio", "ratio",
        "Dead / (dead + live) rows in the user tables of the target's database: table bloat awaiting vacuum");

    // pg_stat_bgwriter (16 and older) / pg_stat_checkpointer (17+).
    public static readonly MetricDefinition CheckpointsTimed = MetricDefinition.Counter(Db, "pg_checkpoints_timed_total", "checkpoints",
        "Checkpoints started because checkpoint_timeout elapsed");
    public static readonly MetricDefinition CheckpointsRequested = MetricDefinition.Counter(Db, "pg_checkpoints_requested_total", "checkpoints",
        "Checkpoints requested (max_wal_size reached, CHECKPOINT, a base backup): many mean max_wal_size is too small");
    public static readonly MetricDefinition CheckpointWriteTime = MetricDefinition.Counter(Db, "pg_checkpoint_write_seconds_total", "seconds",
        "Time checkpoints spent writing files to disk");
    public static readonly MetricDefinition CheckpointSyncTime = MetricDefinition.Counter(Db, "pg_checkpoint_sync_seconds_total", "seconds",
        "Time checkpoints spent syncing files to disk");
    public static readonly MetricDefinition CheckpointBuffersWritten = MetricDefinition.Counter(Db, "pg_checkpoint_buffers_written_total", "buffers",
        "Buffers written by checkpoints");
    public static readonly MetricDefinition BgwriterBuffersClean = MetricDefinition.Counter(Db, "pg_bgwriter_buffers_clean_total", "buffers",
        "Buffers written by the background writer");
    public static readonly MetricDefinition BgwriterMaxwrittenClean = MetricDefinition.Counter(Db, "pg_bgwriter_maxwritten_clean_total", "events",
        "Times the background writer stopped a round because it had written bgwriter_lru_maxpages buffers");
    public static readonly MetricDefinition BgwriterBuffersAlloc = MetricDefinition.Counter(Db, "pg_bgwriter_buffers_alloc_total", "buffers",
        "Shared buffers allocated");
    public static readonly MetricDefinition BgwriterBuffersBackend = MetricDefinition.Counter(Db, "pg_bgwriter_buffers_backend_total", "buffers",
        "Buffers backends had to write themselves (PostgreSQL 16 and older; 17 moved it to pg_stat_io)");
}
