using MongoDB.Bson;

namespace Gds.Monitor.Collectors.MongoDb;

/// <summary>
/// Command replies (as the driver hands them over: BsonDocument) → samples. Numbers are read whatever their BSON type
/// (int32, int64, double, decimal128), since servers and versions differ; missing sections are skipped, not zeroed.
/// </summary>
public static class MongoDbMapping
{
    private const double MiB = 1024 * 1024;

    public static void ServerStatus(BsonDocument reply, SampleSet s)
    {
        if (Number(reply, "uptime") is { } uptime) s.Add("mongodb_uptime_seconds", uptime);

        if (reply.TryGetValue("connections", out var c) && c is BsonDocument conn)
        {
            var current = Number(conn, "current") ?? 0;
            var available = Number(conn, "available") ?? 0;
            s.Add("mongodb_connections_current", current);
            s.Add("mongodb_connections_available", available);
            s.Add("mongodb_connections_used_ratio", current + available > 0 ? current / (current + available) : 0);
            if (Number(conn, "totalCreated") is { } created) s.Add("mongodb_connections_created_total", created);
            if (Number(conn, "active") is { } active) s.Add("mongodb_connections_active", active);
        }

        if (reply.TryGetValue("opcounters", out var o) && o is BsonDocument ops)
            foreach (var op in new[] { "insert", "query", "update", "delete", "getmore", "command" })
                if (Number(ops, op) is { } n) s.Add($"mongodb_opcounters_{op}_total", n);

        if (reply.TryGetValue("opLatencies", out var l) && l is BsonDocument latencies)
            foreach (var kind in new[] { "reads", "writes", "commands", "transactions" })
            {
                if (!latencies.TryGetValue(kind, out var k) || k is not BsonDocument stat) continue;
                // "latency" is the total in microseconds since start; with "ops" the topology can derive the mean.
                if (Number(stat, "latency") is { } micros) s.Add($"mongodb_op_latency_{kind}_seconds_total", micros / 1_000_000);
                if (Number(stat, "ops") is { } count) s.Add($"mongodb_op_latency_{kind}_ops_total", count);
            }

        if (Path(reply, "globalLock", "currentQueue") is { } queue)
        {
            s.Add("mongodb_global_lock_queue_total", Number(queue, "total") ?? 0);
            s.Add("mongodb_global_lock_queue_readers", Number(queue, "readers") ?? 0);
            s.Add("mongodb_global_lock_queue_writers", Number(queue, "writers") ?? 0);
        }
        if (Path(reply, "globalLock", "activeClients") is { } clients)
        {
            s.Add("mongodb_global_lock_active_readers", Number(clients, "readers") ?? 0);
            s.Add("mongodb_global_lock_active_writers", Number(clients, "writers") ?? 0);
        }

        if (reply.TryGetValue("asserts", out var a) && a is BsonDocument asserts)
            foreach (var kind in new[] { "regular", "warning", "msg", "user", "tripwire", "rollovers" })
                if (Number(asserts, kind) is { } n) s.Add($"mongodb_asserts_{kind}_total", n);

        if (Path(reply, "wiredTiger", "cache") is { } cache)
        {
            var used = Number(cache, "bytes currently in the cache");
            var dirty = Number(cache, "tracked dirty bytes in the cache");
            var max = Number(cache, "maximum bytes configured");
            if (used is { } u) s.Add("mongodb_wiredtiger_cache_used_bytes", u);
            if (dirty is { } d) s.Add("mongodb_wiredtiger_cache_dirty_bytes", d);
            if (max is { } m) s.Add("mongodb_wiredtiger_cache_max_bytes", m);
            if (used is { } u2 && max is > 0) s.Add("mongodb_wiredtiger_cache_used_ratio", u2 / max.Value);
            if (dirty is { } d2 && max is > 0) s.Add("mongodb_wiredtiger_cache_dirty_ratio", d2 / max.Value);
        }

        if (reply.TryGetValue("mem", out var mm) && mm is BsonDocument mem)
        {
            // serverStatus reports memory in MiB.
            if (Number(mem, "resident") is { } resident) s.Add("mongodb_memory_resident_bytes", resident * MiB);
            if (Number(mem, "virtual") is { } virt) s.Add("mongodb_memory_virtual_bytes", virt * MiB);
        }

        if (Path(reply, "metrics", "cursor") is { } cursor)
        {
            if (Number(cursor, "timedOut") is { } timedOut) s.Add("mongodb_cursors_timed_out_total", timedOut);
            if (cursor.TryGetValue("open", out var op) && op is BsonDocument open)
            {
                if (Number(open, "total") is { } total) s.Add("mongodb_cursors_open", total);
                if (Number(open, "noTimeout") is { } noTimeout) s.Add("mongodb_cursors_open_no_timeout", noTimeout);
                if (Number(open, "pinned") is { } pinned) s.Add("mongodb_cursors_open_pinned", pinned);
            }
        }
    }

    /// <summary>
    /// replSetGetStatus. Lag is measured as in rs.printSecondaryReplicationInfo(): the primary's optimeDate minus the
    /// member's. Without a visible primary there is no lag to measure, and mongodb_replset_has_primary says so.
    /// </summary>
    public static void ReplSetStatus(BsonDocument reply, SampleSet s)
    {
        s.Add("mongodb_replset_enabled", 1);
        if (Number(reply, "myState") is { } myState) s.Add("mongodb_replset_my_state", myState);
        var members = reply.TryGetValue("members", out var m) && m is BsonArray array ? array.OfType<BsonDocument>().ToList() : [];
        var primary = members.FirstOrDefault(x => Number(x, "state") == 1);
        var primaryOptime = primary is null ? null : OptimeDate(primary);
        s.Add("mongodb_replset_has_primary", primary is not null);

        double unhealthy = 0, maxLag = 0;
        foreach (var member in members)
        {
            var labels = new Dictionary<string, string>(1) { ["member"] = member.GetValue("name", "?").ToString()! };
            var state = Number(member, "state") ?? -1;
            var health = Number(member, "health") ?? 0;
            s.Add("mongodb_replset_member_state", state, labels);
            s.Add("mongodb_replset_member_health", health, labels);
            if (health < 1) unhealthy++;
            // The reply has no ping to itself.
            if (Number(member, "pingMs") is { } ping) s.Add("mongodb_replset_member_ping_seconds", ping / 1000, labels);
            // Only a secondary (2) has a lag; arbiters carry no data and an unreachable member's optime is stale or zero.
            if (primaryOptime is { } p && state is 1 or 2 && OptimeDate(member) is { } optime)
            {
                var lag = Math.Max(0, (p - optime).TotalSeconds);
                s.Add("mongodb_replset_member_lag_seconds", lag, labels);
                maxLag = Math.Max(maxLag, lag);
                if (member.GetValue("self", false).ToBoolean()) s.Add("mongodb_replset_lag_seconds", lag);
            }
        }
        s.Add("mongodb_replset_members", members.Count);
        s.Add("mongodb_replset_members_unhealthy", unhealthy);
        if (primaryOptime is not null) s.Add("mongodb_replset_max_lag_seconds", maxLag);
    }

    /// <summary>Outside a replica set there is nothing more to say than that.</summary>
    public static void NotAReplicaSet(SampleSet s) => s.Add("mongodb_replset_enabled", 0);

    /// <summary>
    /// The time between the oldest and newest oplog entries (two find replies): how long a secondary may be down
    /// and still catch up without a full resync.
    /// </summary>
    public static void OplogWindow(BsonDocument oldestReply, BsonDocument newestReply, SampleSet s)
    {
        var oldest = FirstTimestamp(oldestReply);
        var newest = FirstTimestamp(newestReply);
        if (oldest is null || newest is null) return;
        s.Add("mongodb_oplog_window_hours", Math.Max(0, newest.Value - oldest.Value) / 3600.0);
    }

    private static long? FirstTimestamp(BsonDocument findReply)
    {
        if (Path(findReply, "cursor") is not { } cursor) return null;
        if (!cursor.TryGetValue("firstBatch", out var batch) || batch is not BsonArray docs || docs.Count == 0) return null;
        return docs[0] is BsonDocument d && d.TryGetValue("ts", out var ts) && ts is BsonTimestamp t ? t.Timestamp : null;
    }

    private static DateTime? OptimeDate(BsonDocument member) =>
        member.TryGetValue("optimeDate", out var d) && d is BsonDateTime dt ? dt.ToUniversalTime() : null;

    private static BsonDocument? Path(BsonDocument doc, params string[] names)
    {
        var current = doc;
        foreach (var name in names)
        {
            if (!current.TryGetValue(name, out var next) || next is not BsonDocument nextDoc) return null;
            current = nextDoc;
        }
        return current;
    }

    private static double? Number(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var v) && v.IsNumeric ? v.ToDouble() : v is BsonBoolean b ? (b.Value ? 1 : 0) : null;
}
