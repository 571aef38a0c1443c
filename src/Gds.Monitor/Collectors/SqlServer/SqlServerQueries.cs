namespace Gds.Monitor.Collectors.SqlServer;

/// <summary>
/// The statements the SQL Server collector sends as one batch (one round trip). They read DMVs only, so the login needs
/// VIEW SERVER STATE (VIEW SERVER PERFORMANCE STATE on 2022+) and nothing else. The Always On views exist on every
/// edition since 2012 and are simply empty without availability groups.
/// </summary>
public static class SqlServerQueries
{
    /// <summary>Counters as named in sys.dm_os_performance_counters (counter_name), all read raw.</summary>
    public static readonly IReadOnlyList<string> PerformanceCounterNames =
    [
        "Batch Requests/sec", "Number of Deadlocks/sec", "Page life expectancy", "Buffer cache hit ratio",
        "Buffer cache hit ratio base", "Errors/sec", "Log Growths", "Checkpoint pages/sec", "User Connections",
        "Memory Grants Pending",
    ];

    public static readonly string PerformanceCounters = $"""
        SELECT RTRIM(object_name) AS object_name, RTRIM(counter_name) AS counter_name,
               RTRIM(instance_name) AS instance_name, cntr_value, cntr_type
        FROM sys.dm_os_performance_counters
        WHERE counter_name IN ({string.Join(", ", PerformanceCounterNames.Select(n => "N'" + n + "'"))});
        """;

    /// <summary>Waits that only mean "idle" or "background thread sleeping"; they would crowd out the real ones.</summary>
    public static readonly IReadOnlyList<string> BenignWaits =
    [
        "BROKER_EVENTHANDLER", "BROKER_RECEIVE_WAITFOR", "BROKER_TASK_STOP", "BROKER_TO_FLUSH", "BROKER_TRANSMITTER",
        "CHECKPOINT_QUEUE", "CHKPT", "CLR_AUTO_EVENT", "CLR_MANUAL_EVENT", "CLR_SEMAPHORE", "DBMIRROR_DBM_EVENT",
        "DBMIRROR_EVENTS_QUEUE", "DBMIRROR_WORKER_QUEUE", "DBMIRRORING_CMD", "DIRTY_PAGE_POLL", "DISPATCHER_QUEUE_SEMAPHORE",
        "EXECSYNC", "FSAGENT", "FT_IFTS_SCHEDULER_IDLE_WAIT", "FT_IFTSHC_MUTEX", "HADR_CLUSAPI_CALL",
        "HADR_FILESTREAM_IOMGR_IOCOMPLETION", "HADR_LOGCAPTURE_WAIT", "HADR_NOTIFICATION_DEQUEUE", "HADR_TIMER_TASK",
        "HADR_WORK_QUEUE", "KSOURCE_WAKEUP", "LAZYWRITER_SLEEP", "LOGMGR_QUEUE", "MEMORY_ALLOCATION_EXT",
        "ONDEMAND_TASK_QUEUE", "PARALLEL_REDO_DRAIN_WORKER", "PARALLEL_REDO_LOG_CACHE", "PARALLEL_REDO_TRAN_LIST",
        "PARALLEL_REDO_WORKER_SYNC", "PARALLEL_REDO_WORKER_WAIT_WORK", "PREEMPTIVE_XE_GETTARGETSTATE",
        "PWAIT_ALL_COMPONENTS_INITIALIZED", "PWAIT_DIRECTLOGCONSUMER_GETNEXT", "QDS_PERSIST_TASK_MAIN_LOOP_SLEEP",
        "QDS_ASYNC_QUEUE", "QDS_CLEANUP_STALE_QUERIES_TASK_MAIN_LOOP_SLEEP", "QDS_SHUTDOWN_QUEUE", "REDO_THREAD_PENDING_WORK",
        "REQUEST_FOR_DEADLOCK_SEARCH", "RESOURCE_QUEUE", "SERVER_IDLE_CHECK", "SLEEP_BPOOL_FLUSH", "SLEEP_DBSTARTUP",
        "SLEEP_DCOMSTARTUP", "SLEEP_MASTERDBREADY", "SLEEP_MASTERMDREADY", "SLEEP_MASTERUPGRADED", "SLEEP_MSDBSTARTUP",
        "SLEEP_SYSTEMTASK", "SLEEP_TASK", "SLEEP_TEMPDBSTARTUP", "SNI_HTTP_ACCEPT", "SOS_WORK_DISPATCHER",
        "SP_SERVER_DIAGNOSTICS_SLEEP", "SQLTRACE_BUFFER_FLUSH", "SQLTRACE_INCREMENTAL_FLUSH_SLEEP", "SQLTRACE_WAIT_ENTRIES",
        "VDI_CLIENT_OTHER", "WAIT_FOR_RESULTS", "WAITFOR", "WAITFOR_TASKSHUTDOWN", "WAIT_XTP_RECOVERY",
        "WAIT_XTP_HOST_WAIT", "WAIT_XTP_OFFLINE_CKPT_NEW_LOG", "WAIT_XTP_CKPT_CLOSE", "XE_DISPATCHER_JOIN",
        "XE_DISPATCHER_WAIT", "XE_TIMER_EVENT",
    ];

    public const int TopWaits = 10;

    // SUM() OVER () is computed before TOP, so total_wait_time_ms covers every non-idle wait, not only the top ten.
    public static readonly string WaitStats = $"""
        SELECT TOP ({TopWaits}) wait_type, wait_time_ms, waiting_tasks_count, signal_wait_time_ms,
               SUM(wait_time_ms) OVER () AS total_wait_time_ms
        FROM sys.dm_os_wait_stats
        WHERE waiting_tasks_count > 0
          AND wait_type NOT IN ({string.Join(", ", BenignWaits.Select(n => "N'" + n + "'"))})
        ORDER BY wait_time_ms DESC;
        """;

    public const string FileStats = """
        SELECT DB_NAME(vfs.database_id) AS database_name,
               SUM(vfs.io_stall_read_ms) AS io_stall_read_ms, SUM(vfs.io_stall_write_ms) AS io_stall_write_ms,
               SUM(vfs.num_of_reads) AS num_of_reads, SUM(vfs.num_of_writes) AS num_of_writes,
               SUM(vfs.num_of_bytes_read) AS num_of_bytes_read, SUM(vfs.num_of_bytes_written) AS num_of_bytes_written
        FROM sys.dm_io_virtual_file_stats(NULL, NULL) AS vfs
        GROUP BY vfs.database_id;
        """;

    public const string ProcessMemory = """
        SELECT physical_memory_in_use_kb, memory_utilization_percentage, page_fault_count,
               process_physical_memory_low, process_virtual_memory_low
        FROM sys.dm_os_process_memory;
        """;

    public const string Connections = """
        SELECT DB_NAME(s.database_id) AS database_name, COUNT(*) AS connections
        FROM sys.dm_exec_sessions AS s
        WHERE s.is_user_process = 1
        GROUP BY s.database_id;
        """;

    /// <summary>
    /// The requests of user sessions executing now, as a DBA reads sys.dm_exec_requests: how many, how many wait for
    /// a CPU, how many are blocked, and how long the oldest has run. The collector's own request and those parked in
    /// WAITFOR (Service Broker receives, scheduled jobs) are left out, or they would always be the oldest.
    /// </summary>
    public const string Requests = """
        SELECT COUNT(*) AS active_requests,
               COUNT(CASE WHEN r.status = N'runnable' THEN 1 END) AS runnable_requests,
               COUNT(CASE WHEN r.blocking_session_id > 0 THEN 1 END) AS blocked_requests,
               ISNULL(MAX(DATEDIFF(second, r.start_time, GETDATE())), 0) AS oldest_request_seconds
        FROM sys.dm_exec_requests AS r
        JOIN sys.dm_exec_sessions AS s ON s.session_id = r.session_id
        WHERE s.is_user_process = 1
          AND r.session_id <> @@SPID
          AND ISNULL(r.wait_type, N'') NOT IN (N'WAITFOR', N'BROKER_RECEIVE_WAITFOR');
        """;

    public const string DatabaseStates = """
        SELECT name AS database_name, state, state_desc
        FROM sys.databases;
        """;

    public const string AvailabilityReplicas = """
        SELECT ag.name AS availability_group, ar.replica_server_name, ars.role_desc, ars.is_local,
               ars.synchronization_health, ars.connected_state,
               ISNULL(q.log_send_queue_kb, 0) AS log_send_queue_kb, ISNULL(q.redo_queue_kb, 0) AS redo_queue_kb
        FROM sys.dm_hadr_availability_replica_states AS ars
        JOIN sys.availability_replicas AS ar ON ar.replica_id = ars.replica_id
        JOIN sys.availability_groups AS ag ON ag.group_id = ars.group_id
        LEFT JOIN (SELECT replica_id, SUM(log_send_queue_size) AS log_send_queue_kb, SUM(redo_queue_size) AS redo_queue_kb
                   FROM sys.dm_hadr_database_replica_states
                   GROUP BY replica_id) AS q ON q.replica_id = ars.replica_id;
        """;

    public static readonly IReadOnlyList<SqlQuery> All =
    [
        new("performance_counters", PerformanceCounters, SqlServerMapping.PerformanceCounters),
        new("wait_stats", WaitStats, SqlServerMapping.WaitStats),
        new("file_stats", FileStats, SqlServerMapping.FileStats),
        new("process_memory", ProcessMemory, SqlServerMapping.ProcessMemory),
        new("connections", Connections, SqlServerMapping.Connections),
        new("requests", Requests, SqlServerMapping.Requests),
        new("database_states", DatabaseStates, SqlServerMapping.DatabaseStates),
        new("availability_replicas", AvailabilityReplicas, SqlServerMapping.AvailabilityReplicas),
    ];

    /// <summary>The whole batch as sent: NOCOUNT so row counts do not interleave with the result sets.</summary>
    public static readonly string Batch = "SET NOCOUNT ON;\n" + string.Join("\n", All.Select(q => q.Text));
}
