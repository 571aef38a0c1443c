using M = Gds.Contracts.Metrics.Catalog.SnowflakeMetrics;

namespace Gds.Monitor.Collectors.Snowflake;

/// <summary>Rows of <see cref="SnowflakeQueries"/> → samples; per-warehouse readings also get an account-wide aggregate.</summary>
public static class SnowflakeMapping
{
    public static void WarehouseLoad(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double running = 0, queuedLoad = 0, queuedProvisioning = 0, blocked = 0;
        foreach (var r in rows)
        {
            var wh = r.Text("WAREHOUSE_NAME");
            s.Add(M.WarehouseRunning, r.Number("AVG_RUNNING", 0), wh);
            s.Add(M.WarehouseQueuedLoad, r.Number("AVG_QUEUED_LOAD", 0), wh);
            s.Add(M.WarehouseQueuedProvisioning, r.Number("AVG_QUEUED_PROVISIONING", 0), wh);
            s.Add(M.WarehouseBlocked, r.Number("AVG_BLOCKED", 0), wh);
            running += r.Number("AVG_RUNNING", 0);
            queuedLoad += r.Number("AVG_QUEUED_LOAD", 0);
            queuedProvisioning += r.Number("AVG_QUEUED_PROVISIONING", 0);
            blocked += r.Number("AVG_BLOCKED", 0);
        }
        s.Add(M.Running, running);
        s.Add(M.QueuedLoad, queuedLoad);
        s.Add(M.QueuedProvisioning, queuedProvisioning);
        s.Add(M.Blocked, blocked);
    }

    public static void WarehouseMetering(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double total = 0;
        foreach (var r in rows)
        {
            var credits = r.Number("CREDITS_USED", 0);
            s.Add(M.WarehouseCredits, credits, r.Text("WAREHOUSE_NAME"));
            total += credits;
        }
        s.Add(M.Credits, total);
    }

    /// <summary>QUERY_HISTORY grouped by warehouse; times arrive in milliseconds.</summary>
    public static void WarehouseQueries(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        foreach (var r in rows)
        {
            var wh = r.Text("WAREHOUSE_NAME");
            s.Add(M.WarehouseQueries, r.Number("QUERIES", 0), wh);
            s.Add(M.WarehouseQueriesFailed, r.Number("FAILED_QUERIES", 0), wh);
            s.Add(M.WarehouseAvgExecution, r.Number("AVG_EXECUTION_MS", 0) / 1000, wh);
            s.Add(M.WarehouseMaxExecution, r.Number("MAX_EXECUTION_MS", 0) / 1000, wh);
            s.Add(M.WarehouseAvgQueuedOverload, r.Number("AVG_QUEUED_OVERLOAD_MS", 0) / 1000, wh);
            s.Add(M.WarehouseMaxQueuedOverload, r.Number("MAX_QUEUED_OVERLOAD_MS", 0) / 1000, wh);
        }
    }

    public static void Logins(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = rows.FirstOrDefault();
        s.Add(M.LoginFailures, r?.Number("FAILED_LOGINS", 0) ?? 0);
        s.Add(M.Logins, r?.Number("LOGINS", 0) ?? 0);
    }

    public static void Tasks(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = rows.FirstOrDefault();
        s.Add(M.TaskFailures, r?.Number("FAILED_TASKS", 0) ?? 0);
        s.Add(M.TaskRuns, r?.Number("TASK_RUNS", 0) ?? 0);
    }

    public static void Queries(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = rows.FirstOrDefault();
        s.Add(M.QueriesFailed, r?.Number("FAILED_QUERIES", 0) ?? 0);
        s.Add(M.QueriesLongRunning, r?.Number("LONG_RUNNING_QUERIES", 0) ?? 0);
        s.Add(M.Queries, r?.Number("QUERIES", 0) ?? 0);
        s.Add(M.QueryMaxElapsed, (r?.Number("MAX_ELAPSED_MS", 0) ?? 0) / 1000);
    }

    public static void Storage(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        // STORAGE_USAGE has one row per day; a new account has none yet.
        if (rows.FirstOrDefault() is not { } r) return;
        s.Add(M.StorageBytes, r.Number("STORAGE_BYTES", 0));
        s.Add(M.StageBytes, r.Number("STAGE_BYTES", 0));
        s.Add(M.FailsafeBytes, r.Number("FAILSAFE_BYTES", 0));
    }
}
