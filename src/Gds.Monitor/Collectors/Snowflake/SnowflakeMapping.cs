namespace Gds.Monitor.Collectors.Snowflake;

/// <summary>Rows of <see cref="SnowflakeQueries"/> → samples; per-warehouse readings also get an account-wide aggregate.</summary>
public static class SnowflakeMapping
{
    public static void WarehouseLoad(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double running = 0, queuedLoad = 0, queuedProvisioning = 0, blocked = 0;
        foreach (var r in rows)
        {
            var wh = new Dictionary<string, string>(1) { ["warehouse"] = r.Text("WAREHOUSE_NAME") };
            s.Add("snowflake_warehouse_running_queries", r.Number("AVG_RUNNING", 0), wh);
            s.Add("snowflake_warehouse_queued_load_queries", r.Number("AVG_QUEUED_LOAD", 0), wh);
            s.Add("snowflake_warehouse_queued_provisioning_queries", r.Number("AVG_QUEUED_PROVISIONING", 0), wh);
            s.Add("snowflake_warehouse_blocked_queries", r.Number("AVG_BLOCKED", 0), wh);
            running += r.Number("AVG_RUNNING", 0);
            queuedLoad += r.Number("AVG_QUEUED_LOAD", 0);
            queuedProvisioning += r.Number("AVG_QUEUED_PROVISIONING", 0);
            blocked += r.Number("AVG_BLOCKED", 0);
        }
        s.Add("snowflake_running_queries", running);
        s.Add("snowflake_queued_load_queries", queuedLoad);
        s.Add("snowflake_queued_provisioning_queries", queuedProvisioning);
        s.Add("snowflake_blocked_queries", blocked);
    }

    public static void WarehouseMetering(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        double total = 0;
        foreach (var r in rows)
        {
            var credits = r.Number("CREDITS_USED", 0);
            s.Add("snowflake_warehouse_credits_last_24h", credits, "warehouse", r.Text("WAREHOUSE_NAME"));
            total += credits;
        }
        s.Add("snowflake_credits_last_24h", total);
    }

    public static void Logins(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = rows.FirstOrDefault();
        s.Add("snowflake_login_failures_last_1h", r?.Number("FAILED_LOGINS", 0) ?? 0);
        s.Add("snowflake_logins_last_1h", r?.Number("LOGINS", 0) ?? 0);
    }

    public static void Tasks(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = rows.FirstOrDefault();
        s.Add("snowflake_task_failures_last_1h", r?.Number("FAILED_TASKS", 0) ?? 0);
        s.Add("snowflake_task_runs_last_1h", r?.Number("TASK_RUNS", 0) ?? 0);
    }

    public static void Queries(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        var r = rows.FirstOrDefault();
        s.Add("snowflake_queries_failed_last_1h", r?.Number("FAILED_QUERIES", 0) ?? 0);
        s.Add("snowflake_queries_long_running_last_1h", r?.Number("LONG_RUNNING_QUERIES", 0) ?? 0);
        s.Add("snowflake_queries_last_1h", r?.Number("QUERIES", 0) ?? 0);
        s.Add("snowflake_query_max_elapsed_seconds_last_1h", (r?.Number("MAX_ELAPSED_MS", 0) ?? 0) / 1000);
    }

    public static void Storage(IReadOnlyList<ResultRow> rows, SampleSet s)
    {
        // STORAGE_USAGE has one row per day; a new account has none yet.
        if (rows.FirstOrDefault() is not { } r) return;
        s.Add("snowflake_storage_bytes", r.Number("STORAGE_BYTES", 0));
        s.Add("snowflake_stage_bytes", r.Number("STAGE_BYTES", 0));
        s.Add("snowflake_failsafe_bytes", r.Number("FAILSAFE_BYTES", 0));
    }
}
