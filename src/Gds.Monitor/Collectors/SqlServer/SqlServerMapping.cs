namespace Gds.Monitor.Collectors.SqlServer;

/// <summary>
/// DMV rows → samples. Per-second counters of sys.dm_os_performance_counters are in fact cumulative totals
/// (cntr_type 272696576), so they are published raw as _total and the topology computes rates.
/// </summary>
public static class SqlServerMapping
{
    public static void PerformanceCounters(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double? hit = null, hitBase = null;
        foreach (var r in rows)
        {
            // Named instances prefix object names with MSSQL$NAME: instead of SQLServer:, so match on what follows.
            var obj = r.Text("object_name");
            var objectName = obj[(obj.IndexOf(':') + 1)..];
            var counter = r.Text("counter_name");
            var instance = r.Text("instance_name");
            var value = r.Number("cntr_value", 0);
            switch (objectName, counter)
            {
                case ("SQL Statistics", "Batch Requests/sec"):
                    s.Add("mssql_batch_requests_total", value);
                    break;
                case ("Locks", "Number of Deadlocks/sec") when instance == "_Total":
                    s.Add("mssql_deadlocks_total", value);
                    break;
                case ("Buffer Manager", "Page life expectancy"):
                    s.Add("mssql_page_life_expectancy_seconds", value);
                    break;
                case ("Buffer Manager", "Buffer cache hit ratio"):
                    hit = value;
                    break;
                case ("Buffer Manager", "Buffer cache hit ratio base"):
                    hitBase = value;
                    break;
                case ("Buffer Manager", "Checkpoint pages/sec"):
                    s.Add("mssql_checkpoint_pages_total", value);
                    break;
                case ("SQL Errors", "Errors/sec") when instance == "User Errors":
                    s.Add("mssql_user_errors_total", value);
                    break;
                case ("Databases", "Log Growths") when instance == "_Total":
                    s.Add("mssql_log_growths_total", value);
                    break;
                case ("Databases", "Log Growths"):
                    s.Add("mssql_database_log_growths_total", value, "database", instance);
                    break;
                case ("General Statistics", "User Connections"):
                    s.Add("mssql_user_connections", value);
                    break;
            }
        }
        // A ratio counter (cntr_type 537003264) is only meaningful divided by its base.
        if (hit is { } h && hitBase is > 0) s.Add("mssql_buffer_cache_hit_ratio", Math.Min(1, h / hitBase.Value));
    }

    public static void WaitStats(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        foreach (var r in rows)
        {
            var labels = new Dictionary<string, string>(1) { ["wait_type"] = r.Text("wait_type") };
            s.Add("mssql_wait_seconds_total", r.Number("wait_time_ms", 0) / 1000, labels);
            s.Add("mssql_wait_signal_seconds_total", r.Number("signal_wait_time_ms", 0) / 1000, labels);
            s.Add("mssql_waiting_tasks_total", r.Number("waiting_tasks_count", 0), labels);
        }
        s.Add("mssql_waits_seconds_total", rows.Count > 0 ? rows[0].Number("total_wait_time_ms", 0) / 1000 : 0);
    }

    public static void FileStats(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double read = 0, write = 0;
        foreach (var r in rows)
        {
            var db = new Dictionary<string, string>(1) { ["database"] = r.Text("database_name", "unknown") };
            var readStall = r.Number("io_stall_read_ms", 0) / 1000;
            var writeStall = r.Number("io_stall_write_ms", 0) / 1000;
            s.Add("mssql_database_io_stall_read_seconds_total", readStall, db);
            s.Add("mssql_database_io_stall_write_seconds_total", writeStall, db);
            s.Add("mssql_database_io_reads_total", r.Number("num_of_reads", 0), db);
            s.Add("mssql_database_io_writes_total", r.Number("num_of_writes", 0), db);
            s.Add("mssql_database_io_read_bytes_total", r.Number("num_of_bytes_read", 0), db);
            s.Add("mssql_database_io_written_bytes_total", r.Number("num_of_bytes_written", 0), db);
            read += readStall;
            write += writeStall;
        }
        s.Add("mssql_io_stall_read_seconds_total", read);
        s.Add("mssql_io_stall_write_seconds_total", write);
    }

    public static void ProcessMemory(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        if (rows.Count == 0) return;
        var r = rows[0];
        s.Add("mssql_process_memory_used_bytes", r.Number("physical_memory_in_use_kb", 0) * 1024);
        s.Add("mssql_process_memory_utilization_ratio", r.Number("memory_utilization_percentage", 0) / 100);
        s.Add("mssql_process_page_faults_total", r.Number("page_fault_count", 0));
        s.Add("mssql_process_physical_memory_low", r.Flag("process_physical_memory_low"));
        s.Add("mssql_process_virtual_memory_low", r.Flag("process_virtual_memory_low"));
    }

    public static void Connections(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double total = 0;
        foreach (var r in rows)
        {
            var n = r.Number("connections", 0);
            s.Add("mssql_database_connections", n, "database", r.Text("database_name", "unknown"));
            total += n;
        }
        s.Add("mssql_connections", total);
    }

    /// <summary>sys.databases.state: 0 ONLINE, 1 RESTORING, 2 RECOVERING, 3 RECOVERY_PENDING, 4 SUSPECT, 5 EMERGENCY, 6 OFFLINE, 10 OFFLINE_SECONDARY.</summary>
    public static void DatabaseStates(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double notOnline = 0;
        foreach (var r in rows)
        {
            var db = new Dictionary<string, string>(1) { ["database"] = r.Text("database_name") };
            var state = r.Number("state", -1);
            s.Add("mssql_database_state", state, db);
            s.Add("mssql_database_online", state == 0, db);
            if (state != 0) notOnline++;
        }
        s.Add("mssql_databases", rows.Count);
        s.Add("mssql_databases_not_online", notOnline);
    }

    /// <summary>Always On replicas, where the instance has any. synchronization_health: 0 not healthy, 1 partially, 2 healthy.</summary>
    public static void AvailabilityReplicas(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        if (rows.Count == 0) return;
        double unhealthy = 0, maxSendQueue = 0, maxRedoQueue = 0;
        foreach (var r in rows)
        {
            var labels = new Dictionary<string, string>(2)
            {
                ["availability_group"] = r.Text("availability_group"),
                ["replica"] = r.Text("replica_server_name"),
            };
            var health = r.Number("synchronization_health", 0);
            var sendQueue = r.Number("log_send_queue_kb", 0) * 1024;
            var redoQueue = r.Number("redo_queue_kb", 0) * 1024;
            s.Add("mssql_ag_replica_synchronization_health", health, labels);
            s.Add("mssql_ag_replica_healthy", health == 2, labels);
            s.Add("mssql_ag_replica_connected", r.Number("connected_state", 0) == 1, labels);
            s.Add("mssql_ag_replica_primary", r.Text("role_desc") == "PRIMARY", labels);
            s.Add("mssql_ag_replica_log_send_queue_bytes", sendQueue, labels);
            s.Add("mssql_ag_replica_redo_queue_bytes", redoQueue, labels);
            if (health != 2) unhealthy++;
            maxSendQueue = Math.Max(maxSendQueue, sendQueue);
            maxRedoQueue = Math.Max(maxRedoQueue, redoQueue);
        }
        s.Add("mssql_ag_replicas", rows.Count);
        s.Add("mssql_ag_replicas_unhealthy", unhealthy);
        s.Add("mssql_ag_max_log_send_queue_bytes", maxSendQueue);
        s.Add("mssql_ag_max_redo_queue_bytes", maxRedoQueue);
    }
}
