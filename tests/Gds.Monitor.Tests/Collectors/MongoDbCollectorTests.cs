using Gds.Monitor.Collectors.MongoDb;
using MongoDB.Bson;

namespace Gds.Monitor.Tests.Collectors;

/// <summary>
/// The MongoDB mapping on recorded command replies, parsed by MongoDB.Bson exactly as the driver hands them to the
/// live collector, and the commands the collector sends.
/// </summary>
public class MongoDbCollectorTests
{
    private static BsonDocument Reply(string file) => BsonDocument.Parse(Recorded.Text("mongodb", file));

    private static double One(SampleSet s, string name) => Assert.Single(s, x => x.Name == name && x.Labels is null).Value;

    private static double Of(SampleSet s, string name, string label, string value) =>
        Assert.Single(s, x => x.Name == name && x.Labels?[label] == value).Value;

    [Fact]
    public void ServerStatus_of_a_7_0_primary_maps_every_family()
    {
        var s = new SampleSet();
        MongoDbMapping.ServerStatus(Reply("serverStatus-7.0-primary.json"), s);

        Assert.Equal(42, One(s, "mongodb_connections_current"));
        Assert.Equal(838818, One(s, "mongodb_connections_available"));
        Assert.Equal(42.0 / (42 + 838818), One(s, "mongodb_connections_used_ratio"), 12);
        Assert.Equal(15310, One(s, "mongodb_connections_created_total"));
        Assert.Equal(3100000, One(s, "mongodb_opcounters_insert_total"));
        Assert.Equal(15400000, One(s, "mongodb_opcounters_command_total"));
        Assert.Equal(2500, One(s, "mongodb_op_latency_reads_seconds_total"), 9); // 2.5e9 µs
        Assert.Equal(10000000, One(s, "mongodb_op_latency_reads_ops_total"));
        Assert.Equal(3, One(s, "mongodb_global_lock_queue_operations"));
        Assert.Equal(2, One(s, "mongodb_global_lock_queue_writers"));
        Assert.Equal(7, One(s, "mongodb_global_lock_active_writers"));
        Assert.Equal(1804, One(s, "mongodb_asserts_user_total"));
        Assert.Equal(2147483648, One(s, "mongodb_wiredtiger_cache_used_bytes"));
        Assert.Equal(104857600, One(s, "mongodb_wiredtiger_cache_dirty_bytes"));
        Assert.Equal(0.5, One(s, "mongodb_wiredtiger_cache_used_ratio"), 12);
        Assert.Equal(1024d * 1024 * 1024, One(s, "mongodb_memory_resident_bytes"));
        Assert.Equal(6, One(s, "mongodb_cursors_open"));
        Assert.Equal(17, One(s, "mongodb_cursors_timed_out_total"));
        Assert.Equal(864123, One(s, "mongodb_uptime_seconds"));
        Assert.Equal(98765432101, One(s, "mongodb_network_in_bytes_total"));
        Assert.Equal(456789012, One(s, "mongodb_network_requests_total"));
        Assert.Equal(3391, One(s, "mongodb_write_conflicts_total"));
        // Summed over metrics.commands; the two unknown commands received count as failed.
        Assert.Equal(310 + 95 + 0 + 1204 + 0 + 87 + 2, One(s, "mongodb_commands_failed_total"));
        Assert.Equal(1450000 + 9870000 + 2580000 + 3100000 + 28800 + 1200000 + 2, One(s, "mongodb_commands_total"));
        // 7.0 reports tickets under queues.execution.
        Assert.Equal(32, Of(s, "mongodb_wiredtiger_tickets_available", "operation", "read"));
        Assert.Equal(96, Of(s, "mongodb_wiredtiger_tickets_in_use", "operation", "read"));
        Assert.Equal(0.75, Of(s, "mongodb_wiredtiger_tickets_used_ratio", "operation", "read"), 12);
        Assert.Equal(125, Of(s, "mongodb_wiredtiger_tickets_available", "operation", "write"));
        Assert.All(s, x => Assert.Matches("^mongodb_[a-z0-9_]+$", x.Name));
    }

    [Fact]
    public void ServerStatus_of_an_older_standalone_with_int32_counters_reads_the_same()
    {
        var s = new SampleSet();
        MongoDbMapping.ServerStatus(Reply("serverStatus-4.4-standalone.json"), s);
        Assert.Equal(905, One(s, "mongodb_opcounters_command_total"));
        Assert.Equal(48000, One(s, "mongodb_wiredtiger_cache_used_bytes"));
        Assert.Equal(96d * 1024 * 1024, One(s, "mongodb_memory_resident_bytes"));
        Assert.DoesNotContain(s, x => x.Name == "mongodb_asserts_tripwire_total"); // absent in the reply: absent, not 0
        // Before 7.0 tickets are under wiredTiger.concurrentTransactions.
        Assert.Equal(127, Of(s, "mongodb_wiredtiger_tickets_available", "operation", "read"));
        Assert.Equal(0, Of(s, "mongodb_wiredtiger_tickets_in_use", "operation", "write"));
        Assert.Equal(1, One(s, "mongodb_commands_failed_total"));
    }

    [Fact]
    public void ReplSetGetStatus_gives_member_state_health_lag_and_ping()
    {
        var s = new SampleSet();
        MongoDbMapping.ReplSetStatus(Reply("replSetGetStatus-7.0-primary.json"), s);

        Assert.Equal(1, One(s, "mongodb_replset_enabled"));
        Assert.Equal(1, One(s, "mongodb_replset_my_state"));
        Assert.Equal(1, One(s, "mongodb_replset_has_primary"));
        Assert.Equal(3, One(s, "mongodb_replset_members"));
        Assert.Equal(1, One(s, "mongodb_replset_members_unhealthy"));
        Assert.Equal(3, One(s, "mongodb_replset_max_lag_seconds"));
        Assert.Equal(0, One(s, "mongodb_replset_lag_seconds")); // this node is the primary

        Assert.Equal(2, Of(s, "mongodb_replset_member_state", "member", "mongo2:27017"));
        Assert.Equal(3, Of(s, "mongodb_replset_member_lag_seconds", "member", "mongo2:27017"));
        Assert.Equal(0.012, Of(s, "mongodb_replset_member_ping_seconds", "member", "mongo2:27017"), 9);
        Assert.Equal(8, Of(s, "mongodb_replset_member_state", "member", "mongo3:27017"));
        Assert.Equal(0, Of(s, "mongodb_replset_member_health", "member", "mongo3:27017"));
        // An unreachable member's optime is zero: no made-up lag of 55 years.
        Assert.DoesNotContain(s, x => x.Name == "mongodb_replset_member_lag_seconds" && x.Labels!["member"] == "mongo3:27017");
        // The reply has no ping from a node to itself.
        Assert.DoesNotContain(s, x => x.Name == "mongodb_replset_member_ping_seconds" && x.Labels!["member"] == "mongo1:27017");
    }

    [Fact]
    public void The_oplog_window_is_the_time_between_the_oldest_and_newest_entries()
    {
        var s = new SampleSet();
        MongoDbMapping.OplogWindow(Reply("oplog-oldest-7.0.json"), Reply("oplog-newest-7.0.json"), s);
        Assert.Equal((1736937000 - 1736766000) / 3600.0, One(s, "mongodb_oplog_window_hours"), 9);
    }

    [Fact]
    public void The_commands_sent_are_exactly_these()
    {
        Assert.Equal("""{ "serverStatus" : 1, "repl" : 0, "locks" : 0, "tcmalloc" : 0, "transactions" : 0 }""", MongoDbCommands.ServerStatus().ToJson());
        Assert.Equal("""{ "replSetGetStatus" : 1 }""", MongoDbCommands.ReplSetGetStatus().ToJson());
        Assert.Equal("""{ "find" : "oplog.rs", "filter" : { }, "sort" : { "$natural" : 1 }, "projection" : { "ts" : 1, "_id" : 0 }, "limit" : 1, "singleBatch" : true }""",
            MongoDbCommands.OplogEdge(newest: false).ToJson());
        Assert.Equal(-1, MongoDbCommands.OplogEdge(newest: true)["sort"]["$natural"].AsInt32);
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_scrape_within_the_timeout_without_leaking_the_password()
    {
        Environment.SetEnvironmentVariable("GDS_TEST_MONGO_PASSWORD", "mongo-secret-4411");
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        var target = TestTargets.Make("mongo-down", "mongodb", "mongodb://monitor:${GDS_TEST_MONGO_PASSWORD}@127.0.0.1:9/?authSource=admin",
            timeout: TimeSpan.FromSeconds(2));
        await using var collector = new MongoDbCollector(target);
        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<CollectorFailure>(() => collector.CollectAsync(CancellationToken.None));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Contains("Timeout", ex.Message);
        Assert.DoesNotContain("mongo-secret-4411", ex.Message);
    }
}
