namespace Gds.Contracts.Metrics.Catalog;

/// <summary>
/// The metrics of Snowflake accounts, from SNOWFLAKE.ACCOUNT_USAGE. Those views lag real time (45 minutes to 3 hours
/// by view), so everything is a gauge over a trailing window ("_last_1h", "_last_24h"), never a counter.
/// </summary>
public static class SnowflakeMetrics
{
    private const string Db = DatabaseTypes.Snowflake;
    private const string Warehouse = "warehouse";

    // WAREHOUSE_LOAD_HISTORY, averaged over the last hour.
    public static readonly MetricDefinition WarehouseRunning = MetricDefinition.Gauge(Db, "snowflake_warehouse_running_queries", "queries",
        "Queries running on the warehouse, on average over the last hour (AVG_RUNNING)", Warehouse);
    public static readonly MetricDefinition WarehouseQueuedLoad = MetricDefinition.Gauge(Db, "snowflake_warehouse_queued_load_queries", "queries",
        "Queries queued because the warehouse was overloaded, on average over the last hour (AVG_QUEUED_LOAD)", Warehouse);
    public static readonly MetricDefinition WarehouseQueuedProvisioning = MetricDefinition.Gauge(Db, "snowflake_warehouse_queued_provisioning_queries", "queries",
        "Queries queued while the warehouse was being provisioned or resumed, on average over the last hour", Warehouse);
    public static readonly MetricDefinition WarehouseBlocked = MetricDefinition.Gauge(Db, "snowflake_warehouse_blocked_queries", "queries",
        "Queries blocked by a transaction lock, on average over the last hour (AVG_BLOCKED)", Warehouse);
    public static readonly MetricDefinition Running = MetricDefinition.Gauge(Db, "snowflake_running_queries", "queries",
        "Running queries averaged over the last hour, summed over the warehouses");
    public static readonly MetricDefinition QueuedLoad = MetricDefinition.Gauge(Db, "snowflake_queued_load_queries", "queries",
        "Queries queued by overload averaged over the last hour, summed over the warehouses");
    public static readonly MetricDefinition QueuedProvisioning = MetricDefinition.Gauge(Db, "snowflake_queued_provisioning_queries", "queries",
        "Queries queued by provisioning averaged over the last hour, summed over the warehouses");
    public static readonly MetricDefinition Blocked = MetricDefinition.Gauge(Db, "snowflake_blocked_queries", "queries",
        "Blocked queries averaged over the last hour, summed over the warehouses");

    // QUERY_HISTORY per warehouse, queries started in the last hour.
    public static readonly MetricDefinition WarehouseQueries = MetricDefinition.Gauge(Db, "snowflake_warehouse_queries_last_1h", "queries",
        "Queries that started on the warehouse in the last hour", Warehouse);
    public static readonly MetricDefinition WarehouseQueriesFailed = MetricDefinition.Gauge(Db, "snowflake_warehouse_queries_failed_last_1h", "queries",
        "Of those, queries that failed (EXECUTION_STATUS 'FAIL')", Warehouse);
    public static readonly MetricDefinition WarehouseAvgExecution = MetricDefinition.Gauge(Db, "snowflake_warehouse_query_avg_execution_seconds_last_1h", "seconds",
        "Mean EXECUTION_TIME of those queries (time executing, not queued or compiling)", Warehouse);
    public static readonly MetricDefinition WarehouseMaxExecution = MetricDefinition.Gauge(Db, "snowflake_warehouse_query_max_execution_seconds_last_1h", "seconds",
        "Longest EXECUTION_TIME of those queries", Warehouse);
    public static readonly MetricDefinition WarehouseAvgQueuedOverload = MetricDefinition.Gauge(Db, "snowflake_warehouse_query_avg_queued_overload_seconds_last_1h", "seconds",
        "Mean QUEUED_OVERLOAD_TIME of those queries: time waiting because the warehouse was busy (size up or add clusters)", Warehouse);
    public static readonly MetricDefinition WarehouseMaxQueuedOverload = MetricDefinition.Gauge(Db, "snowflake_warehouse_query_max_queued_overload_seconds_last_1h", "seconds",
        "Longest QUEUED_OVERLOAD_TIME of those queries", Warehouse);

    // WAREHOUSE_METERING_HISTORY.
    public static readonly MetricDefinition WarehouseCredits = MetricDefinition.Gauge(Db, "snowflake_warehouse_credits_last_24h", "credits",
        "Credits the warehouse used in the last 24 hours (CREDITS_USED)", Warehouse);
    public static readonly MetricDefinition Credits = MetricDefinition.Gauge(Db, "snowflake_credits_last_24h", "credits",
        "Credits all warehouses used in the last 24 hours");

    // LOGIN_HISTORY, TASK_HISTORY and QUERY_HISTORY over the last hour.
    public static readonly MetricDefinition LoginFailures = MetricDefinition.Gauge(Db, "snowflake_login_failures_last_1h", "logins",
        "Failed logins in the last hour (IS_SUCCESS = 'NO')");
    public static readonly MetricDefinition Logins = MetricDefinition.Gauge(Db, "snowflake_logins_last_1h", "logins",
        "Login attempts in the last hour");
    public static readonly MetricDefinition TaskFailures = MetricDefinition.Gauge(Db, "snowflake_task_failures_last_1h", "task runs",
        "Task runs that failed in the last hour (STATE = 'FAILED')");
    public static readonly MetricDefinition TaskRuns = MetricDefinition.Gauge(Db, "snowflake_task_runs_last_1h", "task runs",
        "Task runs completed in the last hour");
    public static readonly MetricDefinition QueriesFailed = MetricDefinition.Gauge(Db, "snowflake_queries_failed_last_1h", "queries",
        "Queries started in the last hour that failed");
    public static readonly MetricDefinition Queries = MetricDefinition.Gauge(Db, "snowflake_queries_last_1h", "queries",
        "Queries started in the last hour");
    public static readonly MetricDefinition QueriesLongRunning = MetricDefinition.Gauge(Db, "snowflake_queries_long_running_last_1h", "queries",
        "Queries started in the last hour whose TOTAL_ELAPSED_TIME exceeded 30 minutes");
    public static readonly MetricDefinition QueryMaxElapsed = MetricDefinition.Gauge(Db, "snowflake_query_max_elapsed_seconds_last_1h", "seconds",
        "Longest TOTAL_ELAPSED_TIME of the queries started in the last hour");

    // STORAGE_USAGE, latest day.
    public static readonly MetricDefinition StorageBytes = MetricDefinition.Gauge(Db, "snowflake_storage_bytes", "bytes",
        "Table storage of the account, latest day (STORAGE_BYTES)");
    public static readonly MetricDefinition StageBytes = MetricDefinition.Gauge(Db, "snowflake_stage_bytes", "bytes",
        "Internal stage storage of the account, latest day (STAGE_BYTES)");
    public static readonly MetricDefinition FailsafeBytes = MetricDefinition.Gauge(Db, "snowflake_failsafe_bytes", "bytes",
        "Fail-safe storage of the account, latest day (FAILSAFE_BYTES)");
}
