namespace Gds.Monitor.Collectors.Snowflake;

/// <summary>
/// What the Snowflake collector asks of SNOWFLAKE.ACCOUNT_USAGE. Those views lag real time (45 minutes to 3 hours
/// depending on the view), so the counts are over trailing windows — "_last_1h", "_last_24h" — and are gauges, not
/// counters. The role needs IMPORTED PRIVILEGES on the SNOWFLAKE database.
/// </summary>
public static class SnowflakeQueries
{
    public const string WarehouseLoad = """
        SELECT WAREHOUSE_NAME, AVG(AVG_RUNNING) AS AVG_RUNNING, AVG(AVG_QUEUED_LOAD) AS AVG_QUEUED_LOAD,
               AVG(AVG_QUEUED_PROVISIONING) AS AVG_QUEUED_PROVISIONING, AVG(AVG_BLOCKED) AS AVG_BLOCKED
        FROM SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_LOAD_HISTORY
        WHERE START_TIME >= DATEADD('hour', -1, CURRENT_TIMESTAMP())
        GROUP BY WAREHOUSE_NAME
        """;

    public const string WarehouseMetering = """
        SELECT WAREHOUSE_NAME, SUM(CREDITS_USED) AS CREDITS_USED
        FROM SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY
        WHERE START_TIME >= DATEADD('hour', -24, CURRENT_TIMESTAMP())
        GROUP BY WAREHOUSE_NAME
        """;

    public const string Logins = """
        SELECT COUNT_IF(IS_SUCCESS = 'NO') AS FAILED_LOGINS, COUNT(*) AS LOGINS
        FROM SNOWFLAKE.ACCOUNT_USAGE.LOGIN_HISTORY
        WHERE EVENT_TIMESTAMP >= DATEADD('hour', -1, CURRENT_TIMESTAMP())
        """;

    public const string Tasks = """
        SELECT COUNT_IF(STATE = 'FAILED') AS FAILED_TASKS, COUNT(*) AS TASK_RUNS
        FROM SNOWFLAKE.ACCOUNT_USAGE.TASK_HISTORY
        WHERE COMPLETED_TIME >= DATEADD('hour', -1, CURRENT_TIMESTAMP())
        """;

    /// <summary>A query counts as long-running past this many milliseconds of total elapsed time.</summary>
    public const long LongRunningMs = 30 * 60 * 1000;

    public static readonly string Queries = $"""
        SELECT COUNT_IF(EXECUTION_STATUS = 'FAIL') AS FAILED_QUERIES,
               COUNT_IF(TOTAL_ELAPSED_TIME > {LongRunningMs}) AS LONG_RUNNING_QUERIES,
               COUNT(*) AS QUERIES,
               COALESCE(MAX(TOTAL_ELAPSED_TIME), 0) AS MAX_ELAPSED_MS
        FROM SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY
        WHERE START_TIME >= DATEADD('hour', -1, CURRENT_TIMESTAMP())
        """;

    /// <summary>
    /// Latency and queueing per warehouse. Queries without a warehouse (metadata only, served by the cloud services
    /// layer) are left out: they never queue on one.
    /// </summary>
    public const string WarehouseQueries = """
        SELECT WAREHOUSE_NAME, COUNT(*) AS QUERIES, COUNT_IF(EXECUTION_STATUS = 'FAIL') AS FAILED_QUERIES,
               AVG(EXECUTION_TIME) AS AVG_EXECUTION_MS, MAX(EXECUTION_TIME) AS MAX_EXECUTION_MS,
               AVG(QUEUED_OVERLOAD_TIME) AS AVG_QUEUED_OVERLOAD_MS, MAX(QUEUED_OVERLOAD_TIME) AS MAX_QUEUED_OVERLOAD_MS
        FROM SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY
        WHERE START_TIME >= DATEADD('hour', -1, CURRENT_TIMESTAMP())
          AND WAREHOUSE_NAME IS NOT NULL
        GROUP BY WAREHOUSE_NAME
        """;

    public const string Storage = """
        SELECT STORAGE_BYTES, STAGE_BYTES, FAILSAFE_BYTES
        FROM SNOWFLAKE.ACCOUNT_USAGE.STORAGE_USAGE
        ORDER BY USAGE_DATE DESC
        LIMIT 1
        """;

    public static readonly IReadOnlyList<SqlQuery> All =
    [
        new("warehouse_load", WarehouseLoad, SnowflakeMapping.WarehouseLoad),
        new("warehouse_metering", WarehouseMetering, SnowflakeMapping.WarehouseMetering),
        new("logins", Logins, SnowflakeMapping.Logins),
        new("tasks", Tasks, SnowflakeMapping.Tasks),
        new("queries", Queries, SnowflakeMapping.Queries),
        new("warehouse_queries", WarehouseQueries, SnowflakeMapping.WarehouseQueries),
        new("storage", Storage, SnowflakeMapping.Storage),
    ];
}
