namespace Gds.Contracts.Metrics.Catalog;

/// <summary>
/// The metrics of SQL Server targets, all from DMVs. The "/sec" counters of sys.dm_os_performance_counters are
/// cumulative totals (cntr_type 272696576), so they are counters here and rates are the topology's job.
/// </summary>
public static class SqlServerMetrics
{
    private const string Db = DatabaseTypes.SqlServer;
    private const string Database = "database";
    private const string WaitType = "wait_type";

    // sys.dm_os_performance_counters.
    public static readonly MetricDefinition BatchRequests = MetricDefinition.Counter(Db, "mssql_batch_requests_total", "batches",
        "T-SQL batches received (SQL Statistics: Batch Requests/sec, a running total)");
    public static readonly MetricDefinition Deadlocks = MetricDefinition.Counter(Db, "mssql_deadlocks_total", "deadlocks",
        "Lock requests that ended in a deadlock (Locks: Number of Deadlocks/sec, _Total)");
    public static readonly MetricDefinition PageLifeExpectancy = MetricDefinition.Gauge(Db, "mssql_page_life_expectancy_seconds", "seconds",
        "How long a page is expected to stay in the buffer pool (Buffer Manager: Page life expectancy): a drop means memory pressure");
    public static readonly MetricDefinition BufferCacheHitRatio = MetricDefinition.Gauge(Db, "mssql_buffer_cache_hit_ratio", "ratio",
        "Pages found in the buffer pool without a disk read (Buffer cache hit ratio / its base)");
    public static readonly MetricDefinition UserErrors = MetricDefinition.Counter(Db, "mssql_user_errors_total", "errors",
        "Errors raised to users (SQL Errors: Errors/sec, User Errors)");
    public static readonly MetricDefinition LogGrowths = MetricDefinition.Counter(Db, "mssql_log_growths_total", "growths",
        "Transaction log file auto-growths of all databases (Databases: Log Growths, _Total)");
    public static readonly MetricDefinition DatabaseLogGrowths = MetricDefinition.Counter(Db, "mssql_database_log_growths_total", "growths",
        "Transaction log file auto-growths of the database (Databases: Log Growths)", Database);
    public static readonly MetricDefinition CheckpointPages = MetricDefinition.Counter(Db, "mssql_checkpoint_pages_total", "pages",
        "Pages flushed to disk by checkpoints (Buffer Manager: Checkpoint pages/sec, a running total)");
    public static readonly MetricDefinition UserConnections = MetricDefinition.Gauge(Db, "mssql_user_connections", "connections",
        "User connections (General Statistics: User Connections)");
    public static readonly MetricDefinition MemoryGrantsPending = MetricDefinition.Gauge(Db, "mssql_memory_grants_pending", "requests",
        "Queries waiting for a workspace memory grant (Memory Manager: Memory Grants Pending): above 0 for long is memory pressure");

    // sys.dm_os_wait_stats, the ten largest non-idle waits.
    public static readonly MetricDefinition WaitSeconds = MetricDefinition.Counter(Db, "mssql_wait_seconds_total", "seconds",
        "Time tasks spent waiting on this wait type since start (wait_time_ms; only the ten largest non-idle wait types are published)", WaitType);
    public static readonly MetricDefinition WaitSignalSeconds = MetricDefinition.Counter(Db, "mssql_wait_signal_seconds_total", "seconds",
        "Part of that time spent waiting for a CPU after the wait was signalled (signal_wait_time_ms): CPU pressure", WaitType);
    public static readonly MetricDefinition WaitingTasks = MetricDefinition.Counter(Db, "mssql_waiting_tasks_total", "tasks",
        "Waits on this wait type since start (waiting_tasks_count)", WaitType);
    public static readonly MetricDefinition WaitsSeconds = MetricDefinition.Counter(Db, "mssql_waits_seconds_total", "seconds",
        "Time spent in all non-idle waits since start");

    // sys.dm_io_virtual_file_stats, per database.
    public static readonly MetricDefinition DatabaseIoStallRead = MetricDefinition.Counter(Db, "mssql_database_io_stall_read_seconds_total", "seconds",
        "Time reads of the database's files waited on I/O; divided by reads, the read latency", Database);
    public static readonly MetricDefinition DatabaseIoStallWrite = MetricDefinition.Counter(Db, "mssql_database_io_stall_write_seconds_total", "seconds",
        "Time writes to the database's files waited on I/O; divided by writes, the write latency", Database);
    public static readonly MetricDefinition DatabaseIoReads = MetricDefinition.Counter(Db, "mssql_database_io_reads_total", "operations",
        "Reads issued on the database's files", Database);
    public static readonly MetricDefinition DatabaseIoWrites = MetricDefinition.Counter(Db, "mssql_database_io_writes_total", "operations",
        "Writes issued on the database's files", Database);
    public static readonly MetricDefinition DatabaseIoReadBytes = MetricDefinition.Counter(Db, "mssql_database_io_read_bytes_total", "bytes",
        "Bytes read from the database's files", Database);
    public static readonly MetricDefinition DatabaseIoWrittenBytes = MetricDefinition.Counter(Db, "mssql_database_io_written_bytes_total", "bytes",
        "Bytes written to the database's files", Database);
    public static readonly MetricDefinition IoStallRead = MetricDefinition.Counter(Db, "mssql_io_stall_read_seconds_total", "seconds",
        "Time reads waited on I/O, summed over the databases");
    public static readonly MetricDefinition IoStallWrite = MetricDefinition.Counter(Db, "mssql_io_stall_write_seconds_total", "seconds",
        "Time writes waited on I/O, summed over the databases");

    // sys.dm_os_process_memory.
    public static readonly MetricDefinition ProcessMemoryUsed = MetricDefinition.Gauge(Db, "mssql_process_memory_used_bytes", "bytes",
        "Physical memory the SQL Server process uses (physical_memory_in_use_kb)");
    public static readonly MetricDefinition ProcessMemoryUtilization = MetricDefinition.Gauge(Db, "mssql_process_memory_utilization_ratio", "ratio",
        "Committed memory that is in the working set (memory_utilization_percentage / 100): below 1 means paging");
    public static readonly MetricDefinition ProcessPageFaults = MetricDefinition.Counter(Db, "mssql_process_page_faults_total", "faults",
        "Page faults of the SQL Server process");
    public static readonly MetricDefinition ProcessPhysicalMemoryLow = MetricDefinition.Gauge(Db, "mssql_process_physical_memory_low", "boolean",
        "1 when the process is responding to low physical memory");
    public static readonly MetricDefinition ProcessVirtualMemoryLow = MetricDefinition.Gauge(Db, "mssql_process_virtual_memory_low", "boolean",
        "1 when the process is responding to low virtual memory");

    // sys.dm_exec_sessions and sys.dm_exec_requests.
    public static readonly MetricDefinition DatabaseConnections = MetricDefinition.Gauge(Db, "mssql_database_connections", "sessions",
        "User sessions whose current database is this one", Database);
    public static readonly MetricDefinition Connections = MetricDefinition.Gauge(Db, "mssql_connections", "sessions",
        "User sessions");
    public static readonly MetricDefinition RequestsActive = MetricDefinition.Gauge(Db, "mssql_requests_active", "requests",
        "Requests of user sessions executing now (sys.dm_exec_requests; the collector's own and WAITFOR ones excluded)");
    public static readonly MetricDefinition RequestsRunnable = MetricDefinition.Gauge(Db, "mssql_requests_runnable", "requests",
        "Of those, requests ready to run but waiting for a CPU (status 'runnable'): CPU pressure");
    public static readonly MetricDefinition RequestsBlocked = MetricDefinition.Gauge(Db, "mssql_requests_blocked", "requests",
        "Of those, requests blocked by another session (blocking_session_id > 0)");
    public static readonly MetricDefinition OldestRequestAge = MetricDefinition.Gauge(Db, "mssql_oldest_request_age_seconds", "seconds",
        "How long the longest-running of those requests has run (now - start_time), 0 when none runs");

    // sys.databases.
    public static readonly MetricDefinition DatabaseState = MetricDefinition.Gauge(Db, "mssql_database_state", "state",
        "sys.databases.state: 0 ONLINE, 1 RESTORING, 2 RECOVERING, 3 RECOVERY_PENDING, 4 SUSPECT, 5 EMERGENCY, 6 OFFLINE, 10 OFFLINE_SECONDARY", Database);
    public static readonly MetricDefinition DatabaseOnline = MetricDefinition.Gauge(Db, "mssql_database_online", "boolean",
        "1 when the database is ONLINE", Database);
    public static readonly MetricDefinition Databases = MetricDefinition.Gauge(Db, "mssql_databases", "databases",
        "Databases on the instance");
    public static readonly MetricDefinition DatabasesNotOnline = MetricDefinition.Gauge(Db, "mssql_databases_not_online", "databases",
        "Databases in any state but ONLINE");

    // Always On availability groups, where configured.
    private const string Group = "availability_group";
    private const string Replica = "replica";
    public static readonly MetricDefinition AgReplicaSynchronizationHealth = MetricDefinition.Gauge(Db, "mssql_ag_replica_synchronization_health", "state",
        "Replica synchronization health: 0 not healthy, 1 partially healthy, 2 healthy", Group, Replica);
    public static readonly MetricDefinition AgReplicaHealthy = MetricDefinition.Gauge(Db, "mssql_ag_replica_healthy", "boolean",
        "1 when the replica's synchronization health is HEALTHY", Group, Replica);
    public static readonly MetricDefinition AgReplicaConnected = MetricDefinition.Gauge(Db, "mssql_ag_replica_connected", "boolean",
        "1 when the replica is connected to the primary", Group, Replica);
    public static readonly MetricDefinition AgReplicaPrimary = MetricDefinition.Gauge(Db, "mssql_ag_replica_primary", "boolean",
        "1 when the replica is the group's primary", Group, Replica);
    public static readonly MetricDefinition AgReplicaLogSendQueue = MetricDefinition.Gauge(Db, "mssql_ag_replica_log_send_queue_bytes", "bytes",
        "Log not yet sent to the replica, summed over its databases: data at risk on failover", Group, Replica);
    public static readonly MetricDefinition AgReplicaRedoQueue = MetricDefinition.Gauge(Db, "mssql_ag_replica_redo_queue_bytes", "bytes",
        "Log received but not yet redone on the replica, summed over its databases: failover time", Group, Replica);
    public static readonly MetricDefinition AgReplicas = MetricDefinition.Gauge(Db, "mssql_ag_replicas", "replicas",
        "Availability replicas this instance sees");
    public static readonly MetricDefinition AgReplicasUnhealthy = MetricDefinition.Gauge(Db, "mssql_ag_replicas_unhealthy", "replicas",
        "Replicas whose synchronization health is not HEALTHY");
    public static readonly MetricDefinition AgMaxLogSendQueue = MetricDefinition.Gauge(Db, "mssql_ag_max_log_send_queue_bytes", "bytes",
        "The largest log send queue of any replica");
    public static readonly MetricDefinition AgMaxRedoQueue = MetricDefinition.Gauge(Db, "mssql_ag_max_redo_queue_bytes", "bytes",
        "The largest redo queue of any replica");
}
