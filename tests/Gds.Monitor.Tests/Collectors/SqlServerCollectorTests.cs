using System.Text.RegularExpressions;
using Gds.Monitor.Collectors.SqlServer;

namespace Gds.Monitor.Tests.Collectors;

/// <summary>The SQL Server mapping on recorded DMV rows read through a DbDataReader, and the batch's query text.</summary>
public class SqlServerCollectorTests
{
    private static async Task<SampleSet> Map(string file)
    {
        using var set = RecordedResultSets.Load(file);
        Assert.Equal(SqlServerQueries.All.Select(q => q.Name), set.Tables.Cast<System.Data.DataTable>().Select(t => t.TableName));
        using var reader = set.CreateDataReader();
        return await SqlBatchMapping.MapAsync(reader, SqlServerQueries.All, CancellationToken.None);
    }

    private static double One(SampleSet s, string name) => Assert.Single(s, x => x.Name == name && x.Labels is null).Value;

    private static double Of(SampleSet s, string name, string label, string value) =>
        Assert.Single(s, x => x.Name == name && x.Labels?[label] == value).Value;

    [Fact]
    public async Task Dmv_rows_of_an_availability_group_primary_map_to_every_family()
    {
        var s = await Map("dmv-2022-ag-primary.json");

        Assert.Equal(123456789, One(s, "mssql_batch_requests_total"));
        Assert.Equal(17, One(s, "mssql_deadlocks_total"));
        Assert.Equal(5234, One(s, "mssql_page_life_expectancy_seconds")); // the instance value, not the NUMA node's
        Assert.Equal(2989.0 / 3000, One(s, "mssql_buffer_cache_hit_ratio"), 12);
        Assert.Equal(4521, One(s, "mssql_user_errors_total"));
        Assert.Equal(12, One(s, "mssql_log_growths_total"));
        Assert.Equal(9, Of(s, "mssql_database_log_growths_total", "database", "orders"));
        Assert.Equal(884422, One(s, "mssql_checkpoint_pages_total"));
        Assert.Equal(57, One(s, "mssql_user_connections"));
        Assert.Equal(2, One(s, "mssql_memory_grants_pending"));

        Assert.Equal(91234, Of(s, "mssql_wait_seconds_total", "wait_type", "HADR_SYNC_COMMIT"), 9);
        Assert.Equal(1200, Of(s, "mssql_waiting_tasks_total", "wait_type", "LCK_M_X"));
        Assert.Equal(250000, One(s, "mssql_waits_seconds_total"));

        Assert.Equal(3600, Of(s, "mssql_database_io_stall_read_seconds_total", "database", "orders"), 9);
        Assert.Equal((1200 + 45000 + 3600000) / 1000.0, One(s, "mssql_io_stall_read_seconds_total"), 9);
        Assert.Equal((300 + 120000 + 910000) / 1000.0, One(s, "mssql_io_stall_write_seconds_total"), 9);

        Assert.Equal(25165824d * 1024, One(s, "mssql_process_memory_used_bytes"));
        Assert.Equal(1, One(s, "mssql_process_memory_utilization_ratio"));
        Assert.Equal(0, One(s, "mssql_process_physical_memory_low"));

        Assert.Equal(51, Of(s, "mssql_database_connections", "database", "orders"));
        Assert.Equal(57, One(s, "mssql_connections"));
        Assert.Equal(14, One(s, "mssql_requests_active"));
        Assert.Equal(3, One(s, "mssql_requests_runnable"));
        Assert.Equal(5, One(s, "mssql_requests_blocked"));
        Assert.Equal(1840, One(s, "mssql_oldest_request_age_seconds"));

        Assert.Equal(6, Of(s, "mssql_database_state", "database", "archive_2019"));
        Assert.Equal(0, Of(s, "mssql_database_online", "database", "archive_2019"));
        Assert.Equal(1, One(s, "mssql_databases_not_online"));

        Assert.Equal(3, One(s, "mssql_ag_replicas"));
        Assert.Equal(1, One(s, "mssql_ag_replicas_unhealthy"));
        Assert.Equal(0, Of(s, "mssql_ag_replica_connected", "replica", "SQL3"));
        Assert.Equal(1, Of(s, "mssql_ag_replica_primary", "replica", "SQL1"));
        Assert.Equal(2048d * 1024, Of(s, "mssql_ag_replica_redo_queue_bytes", "replica", "SQL2"));
        Assert.Equal(2048d * 1024, One(s, "mssql_ag_max_redo_queue_bytes"));
        Assert.All(s.Where(x => x.Name.StartsWith("mssql_ag_replica_", StringComparison.Ordinal)), x => Assert.Equal("ag-orders", x.Labels!["availability_group"]));
        Assert.All(s, x => Assert.Matches("^mssql_[a-z0-9_]+$", x.Name));
    }

    [Fact]
    public async Task A_named_instance_without_availability_groups_maps_too()
    {
        var s = await Map("dmv-2019-named-standalone.json");
        Assert.Equal(5000, One(s, "mssql_batch_requests_total"));
        Assert.Equal(301, One(s, "mssql_page_life_expectancy_seconds"));
        Assert.DoesNotContain(s, x => x.Name == "mssql_buffer_cache_hit_ratio"); // base 0 right after start: no ratio yet
        Assert.DoesNotContain(s, x => x.Name.StartsWith("mssql_ag_", StringComparison.Ordinal));
        Assert.Equal(0, One(s, "mssql_waits_seconds_total"));
        Assert.Equal(1, One(s, "mssql_process_physical_memory_low"));
        Assert.Equal(10, Of(s, "mssql_database_io_reads_total", "database", "unknown")); // DB_NAME() of a dropped database is NULL
    }

    [Fact]
    public async Task A_missing_result_set_is_named()
    {
        using var set = RecordedResultSets.Load("dmv-2022-ag-primary.json");
        set.Tables.RemoveAt(7);
        using var reader = set.CreateDataReader();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SqlBatchMapping.MapAsync(reader, SqlServerQueries.All, CancellationToken.None));
        Assert.Equal("the server returned 7 result sets, expected 8 (missing: availability_replicas)", ex.Message);
    }

    [Fact]
    public void The_batch_reads_the_documented_dmvs_one_statement_per_result_set()
    {
        var batch = SqlServerQueries.Batch;
        Assert.StartsWith("SET NOCOUNT ON;", batch);
        foreach (var view in new[]
                 {
                     "sys.dm_os_performance_counters", "sys.dm_os_wait_stats", "sys.dm_io_virtual_file_stats(NULL, NULL)",
                     "sys.dm_os_process_memory", "sys.dm_exec_sessions", "sys.dm_exec_requests", "sys.databases", "sys.dm_hadr_availability_replica_states",
                     "sys.dm_hadr_database_replica_states",
                 })
            Assert.Contains(view, batch);
        // One top-level SELECT per mapped result set; the AG query's derived table is the only nested one.
        var selects = Regex.Matches(batch, @"^SELECT\b", RegexOptions.Multiline).Count;
        Assert.Equal(SqlServerQueries.All.Count, selects);
        Assert.All(SqlServerQueries.All, q => Assert.EndsWith(";", q.Text.TrimEnd()));
        Assert.Contains("WHERE counter_name IN (N'Batch Requests/sec', N'Number of Deadlocks/sec', N'Page life expectancy', N'Buffer cache hit ratio', N'Buffer cache hit ratio base', N'Errors/sec', N'Log Growths', N'Checkpoint pages/sec', N'User Connections', N'Memory Grants Pending')", batch);
        Assert.Contains("SELECT TOP (10) wait_type", batch);
        Assert.Contains("N'SLEEP_TASK'", batch);
        Assert.DoesNotContain("N'HADR_SYNC_COMMIT'", batch); // a real wait, never filtered out
        Assert.Contains("AND r.session_id <> @@SPID", batch); // the collector's own request is never the oldest
    }
}
