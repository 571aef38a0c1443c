using M = Gds.Contracts.Metrics.Catalog.SqlServerMetrics;

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
                    s.Add(M.BatchRequests, value);
                    break;
                case ("Locks", "Number of Deadlocks/sec") when instance == "_Total":
                    s.Add(M.Deadlocks, value);
                    break;
                case ("Buffer Manager", "Page life expectancy"):
                    s.Add(M.PageLifeExpectancy, value);
                    break;
                case ("Buffer Manager", "Buffer cache hit ratio"):
                    hit = value;
                    break;
                case ("Buffer Manager", "Buffer cache hit ratio base"):
                    hitBase = value;
                    break;
                case ("Buffer Manager", "Checkpoint pages/sec"):
                    s.Add(M.CheckpointPages, value);
                    break;
                case ("SQL Errors", "Errors/sec") when instance == "User Errors":
                    s.Add(M.UserErrors, value);
                    break;
                case ("Databases", "Log Growths") when instance == "_Total":
                    s.Add(M.LogGrowths, value);
                    break;
                case ("Databases", "Log Growths"):
                    s.Add(M.DatabaseLogGrowths, value, instance);
                    break;
                case ("General Statistics", "User Connections"):
                    s.Add(M.UserConnections, value);
                    break;
                case ("Memory Manager", "Memory Grants Pending"):
                    s.Add(M.MemoryGrantsPending, value);
                    break;
            }
        }
        // A ratio counter (cntr_type 537003264) is only meaningful divided by its base.
        if (hit is { } h && hitBase is > 0) s.Add(M.BufferCacheHitRatio, Math.Min(1, h / hitBase.Value));
    }

    public static void WaitStats(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        foreach (var r in rows)
        {
            var waitType = r.Text("wait_type");
            s.Add(M.WaitSeconds, r.Number("wait_time_ms", 0) / 1000, waitType);
            s.Add(M.WaitSignalSeconds, r.Number("signal_wait_time_ms", 0) / 1000, waitType);
            s.Add(M.WaitingTasks, r.Number("waiting_tasks_count", 0), waitType);
        }
        s.Add(M.WaitsSeconds, rows.Count > 0 ? rows[0].Number("total_wait_time_ms", 0) / 1000 : 0);
    }

    public static void FileStats(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double read = 0, write = 0;
        foreach (var r in rows)
        {
            var db = r.Text("database_name", "unknown");
            var readStall = r.Number("io_stall_read_ms", 0) / 1000;
            var writeStall = r.Number("io_stall_write_ms", 0) / 1000;
            s.Add(M.DatabaseIoStallRead, readStall, db);
            s.Add(M.DatabaseIoStallWrite, writeStall, db);
            s.Add(M.DatabaseIoReads, r.Number("num_of_reads", 0), db);
            s.Add(M.DatabaseIoWrites, r.Number("num_of_writes", 0), db);
            s.Add(M.DatabaseIoReadBytes, r.Number("num_of_bytes_read", 0), db);
            s.Add(M.DatabaseIoWrittenBytes, r.Number("num_of_bytes_written", 0), db);
            read += readStall;
            write += writeStall;
        }
        s.Add(M.IoStallRead, read);
        s.Add(M.IoStallWrite, write);
    }

    public static void ProcessMemory(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        if (rows.Count == 0) return;
        var r = rows[0];
        s.Add(M.ProcessMemoryUsed, r.Number("physical_memory_in_use_kb", 0) * 1024);
        s.Add(M.ProcessMemoryUtilization, r.Number("memory_utilization_percentage", 0) / 100);
        s.Add(M.ProcessPageFaults, r.Number("page_fault_count", 0));
        s.Add(M.ProcessPhysicalMemoryLow, r.Flag("process_physical_memory_low"));
        s.Add(M.ProcessVirtualMemoryLow, r.Flag("process_virtual_memory_low"));
    }

    public static void Connections(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double total = 0;
        foreach (var r in rows)
        {
            var n = r.Number("connections", 0);
            s.Add(M.DatabaseConnections, n, r.Text("database_name", "unknown"));
            total += n;
        }
        s.Add(M.Connections, total);
    }

    /// <summary>One row: counts over the user requests executing now and the oldest one's age.</summary>
    public static void Requests(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = rows.Count == 1 ? rows[0] : throw new InvalidOperationException($"expected one row, got {rows.Count}");
        s.Add(M.RequestsActive, r.Number("active_requests", 0));
        s.Add(M.RequestsRunnable, r.Number("runnable_requests", 0));
        s.Add(M.RequestsBlocked, r.Number("blocked_requests", 0));
        s.Add(M.OldestRequestAge, r.Number("oldest_request_seconds", 0));
    }

    /// <summary>sys.databases.state: 0 ONLINE, 1 RESTORING, 2 RECOVERING, 3 RECOVERY_PENDING, 4 SUSPECT, 5 EMERGENCY, 6 OFFLINE, 10 OFFLINE_SECONDARY.</summary>
    public static void DatabaseStates(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double notOnline = 0;
        foreach (var r in rows)
        {
            var db = r.Text("database_name");
            var state = r.Number("state", -1);
            s.Add(M.DatabaseState, state, db);
            s.Add(M.DatabaseOnline, state == 0, db);
            if (state != 0) notOnline++;
        }
        s.Add(M.Databases, rows.Count);
        s.Add(M.DatabasesNotOnline, notOnline);
    }

    /// <summary>Always On replicas, where the instance has any. synchronization_health: 0 not healthy, 1 partially, 2 healthy.</summary>
    public static void AvailabilityReplicas(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        if (rows.Count == 0) return;
        double unhealthy = 0, maxSendQueue = 0, maxRedoQueue = 0;
        foreach (var r in rows)
        {
            string[] labels = [r.Text("availability_group"), r.Text("replica_server_name")];
            var health = r.Number("synchronization_health", 0);
            var sendQueue = r.Number("log_send_queue_kb", 0) * 1024;
            var redoQueue = r.Number("redo_queue_kb", 0) * 1024;
            s.Add(M.AgReplicaSynchronizationHealth, health, labels);
            s.Add(M.AgReplicaHealthy, health == 2, labels);
            s.Add(M.AgReplicaConnected, r.Number("connected_state", 0) == 1, labels);
            s.Add(M.AgReplicaPrimary, r.Text("role_desc") == "PRIMARY", labels);
            s.Add(M.AgReplicaLogSendQueue, sendQueue, labels);
            s.Add(M.AgReplicaRedoQueue, redoQueue, labels);
            if (health != 2) unhealthy++;
            maxSendQueue = Math.Max(maxSendQueue, sendQueue);
            maxRedoQueue = Math.Max(maxRedoQueue, redoQueue);
        }
        s.Add(M.AgReplicas, rows.Count);
        s.Add(M.AgReplicasUnhealthy, unhealthy);
        s.Add(M.AgMaxLogSendQueue, maxSendQueue);
        s.Add(M.AgMaxRedoQueue, maxRedoQueue);
    }
}
