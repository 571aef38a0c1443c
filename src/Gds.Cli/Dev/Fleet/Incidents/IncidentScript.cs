using Gds.Cli.Dev.Fleet.MongoDb;
using Gds.Cli.Dev.Fleet.PostgreSql;
using Gds.Cli.Dev.Fleet.Snowflake;
using Gds.Cli.Dev.Fleet.SqlServer;
using Mongo = Gds.Contracts.Metrics.Catalog.MongoDbMetrics;
using Pg = Gds.Contracts.Metrics.Catalog.PostgreSqlMetrics;
using Sf = Gds.Contracts.Metrics.Catalog.SnowflakeMetrics;
using Sql = Gds.Contracts.Metrics.Catalog.SqlServerMetrics;

namespace Gds.Cli.Dev.Fleet.Incidents;

/// <summary>
/// The incidents of `gds dev`, one cycle of them: staggered over the first seconds so the alerts of several packs,
/// severities and rule shapes (a level held, a counter's rate, a per-database and a per-standby series) fire one
/// after another, and all over before the cycle ends so each resolves. Thresholds are the packs' own; what the
/// packs wait for (`for`, `keep_firing_for`) is what `gds dev` scales down. Where a pack's threshold is an age
/// (300 s idle in transaction, 300 s of replay lag) an incident starts close to it — as if its trouble had begun
/// some minutes before — and then ages one second a second, as the real thing would.
/// </summary>
internal static class IncidentScript
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static Dictionary<string, string> Label(string name, string value) => new(StringComparer.Ordinal) { [name] = value };

    public static IEnumerable<ScriptedIncident> All()
    {
        yield return ScriptedIncident.On<SimulatedPostgreSql>(
            "deadlock between two order updates in orders", "pg-prod-01", S(2), S(4),
            [new("pg-deadlocks", "pg-prod-01", Pg.DatabaseDeadlocks.Name, Label("database", "orders"))],
            (pg, phase) =>
            {
                // Each waits for the other's row lock until deadlock_timeout (1 s) runs out; then one is aborted.
                if (phase.Elapsed < S(1)) pg.WaitForEachOther();
                else pg.DetectDeadlock("orders", phase.Began);
            });

        yield return ScriptedIncident.On<SimulatedPostgreSql>(
            "a catalog session idle in transaction, its application stuck on an HTTP call", "pg-prod-03", S(3), S(30),
            [new("pg-idle-in-transaction", "pg-prod-03", Pg.OldestIdleInTransactionAge.Name)],
            (pg, phase) => pg.LeaveIdleInTransaction("catalog", phase.Began - S(294.5)));

        yield return ScriptedIncident.On<SimulatedPostgreSql>(
            "a deploy of the orders service opens connections without a pool limit", "pg-prod-01", S(4), S(40),
            [
                new("pg-connections-saturated", "pg-prod-01", Pg.ConnectionsUsedRatio.Name),
                new("pg-connections-high", "pg-prod-01", Pg.ConnectionsUsedRatio.Name),
            ],
            (pg, phase) => pg.OpenIdleConnections((int)Math.Round(100 * Math.Min(1, phase.Elapsed / S(6)))));

        yield return ScriptedIncident.On<SimulatedSqlServer>(
            "an open transaction on sales blocks four updates", "mssql-prod-03", S(6), S(30),
            [new("mssql-blocked-requests", "mssql-prod-03", Sql.RequestsBlocked.Name)],
            (sql, phase) => sql.Block("sales", 4, phase.Began));

        yield return ScriptedIncident.On<SimulatedPostgreSql>(
            "a long report on the standby holds back replay; cancelled, the standby catches up", "pg-prod-02", S(8), S(35),
            [
                new("pg-replica-lag", "pg-prod-02", Pg.ReplayLag.Name),
                new("pg-standby-lag-bytes", "pg-prod-01", Pg.StandbyLagBytes.Name, Label("standby", "pg-prod-02")),
            ],
            (pg, phase) => pg.BlockReplay("orders", phase.Began - S(292)));

        yield return ScriptedIncident.On<SimulatedMongod>(
            "an index build on a secondary holds up oplog application", "mongo-prod-03", S(10), S(40),
            [new("mongo-replication-lag", "mongo-prod-03", Mongo.ReplSetLag.Name)],
            (mongo, phase) => mongo.BlockApply(phase.Began - S(52)));

        yield return ScriptedIncident.On<SimulatedPostgreSql>(
            "a month-end report in reporting sorts through temporary files", "pg-prod-03", S(12), S(50),
            [new("pg-temp-spill", "pg-prod-03", Pg.DatabaseTempBytes.Name, Label("database", "reporting"))],
            (pg, phase) => pg.SpillToTemp("reporting", 80 * 1024 * 1024, phase.Began));

        yield return ScriptedIncident.On<SimulatedSnowflakeAccount>(
            "a backfill and the nightly load share ETL_WH: queries queue", "sf-prod-01", S(5), S(85),
            [new("snowflake-warehouse-queueing", "sf-prod-01", Sf.WarehouseAvgQueuedOverload.Name, Label("warehouse", "ETL_WH"))],
            (sf, phase) =>
            {
                // The hour's mean queueing time climbs as queued queries finish, holds, and falls once the backfill stops.
                var rise = Math.Min(1, phase.Elapsed / S(12));
                var fall = Math.Clamp((phase.Length - phase.Elapsed) / S(8), 0, 1);
                sf.Queue("ETL_WH", 1.8 + 143 * Math.Min(rise, fall));
            });
    }
}
