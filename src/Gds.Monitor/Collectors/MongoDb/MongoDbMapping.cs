using Gds.Contracts.Metrics.Catalog;
using MongoDB.Bson;
using M = Gds.Contracts.Metrics.Catalog.MongoDbMetrics;

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
        if (Number(reply, "uptime") is { } uptime) s.Add(M.Uptime, uptime);

        if (reply.TryGetValue("connections", out var c) && c is BsonDocument conn)
        {
            var current = Number(conn, "current") ?? 0;
            var available = Number(conn, "available") ?? 0;
            s.Add(M.ConnectionsCurrent, current);
            s.Add(M.ConnectionsAvailable, available);
            s.Add(M.ConnectionsUsedRatio, current + available > 0 ? current / (current + available) : 0);
            if (Number(conn, "totalCreated") is { } created) s.Add(M.ConnectionsCreated, created);
            if (Number(conn, "active") is { } active) s.Add(M.ConnectionsActive, active);
        }

        if (reply.TryGetValue("network", out var nw) && nw is BsonDocument network)
        {
            if (Number(network, "bytesIn") is { } bytesIn) s.Add(M.NetworkIn, bytesIn);
            if (Number(network, "bytesOut") is { } bytesOut) s.Add(M.NetworkOut, bytesOut);
            if (Number(network, "numRequests") is { } requests) s.Add(M.NetworkRequests, requests);
        }

        if (reply.TryGetValue("opcounters", out var o) && o is BsonDocument ops)
            foreach (var (field, metric) in Opcounters)
                if (Number(ops, field) is { } n) s.Add(metric, n);

        if (reply.TryGetValue("opLatencies", out var l) && l is BsonDocument latencies)
            foreach (var (kind, seconds, operations) in OpLatencies)
            {
                if (!latencies.TryGetValue(kind, out var k) || k is not BsonDocument stat) continue;
                // "latency" is the total in microseconds since start; with "ops" the topology can derive the mean.
                if (Number(stat, "latency") is { } micros) s.Add(seconds, micros / 1_000_000);
                if (Number(stat, "ops") is { } count) s.Add(operations, count);
            }

        if (Path(reply, "globalLock", "currentQueue") is { } queue)
        {
            s.Add(M.GlobalLockQueue, Number(queue, "total") ?? 0);
            s.Add(M.GlobalLockQueueReaders, Number(queue, "readers") ?? 0);
            s.Add(M.GlobalLockQueueWriters, Number(queue, "writers") ?? 0);
        }
        if (Path(reply, "globalLock", "activeClients") is { } clients)
        {
            s.Add(M.GlobalLockActiveReaders, Number(clients, "readers") ?? 0);
            s.Add(M.GlobalLockActiveWriters, Number(clients, "writers") ?? 0);
        }
        Tickets(reply, s);

        if (reply.TryGetValue("asserts", out var a) && a is BsonDocument asserts)
            foreach (var (field, metric) in Asserts)
                if (Number(asserts, field) is { } n) s.Add(metric, n);

        if (Path(reply, "metrics", "commands") is { } commands) Commands(commands, s);
        if (Path(reply, "metrics", "operation") is { } operation && Number(operation, "writeConflicts") is { } conflicts)
            s.Add(M.WriteConflicts, conflicts);

        if (Path(reply, "wiredTiger", "cache") is { } cache)
        {
            var used = Number(cache, "bytes currently in the cache");
            var dirty = Number(cache, "tracked dirty bytes in the cache");
            var max = Number(cache, "maximum bytes configured");
            if (used is { } u) s.Add(M.CacheUsed, u);
            if (dirty is { } d) s.Add(M.CacheDirty, d);
            if (max is { } m) s.Add(M.CacheMax, m);
            if (used is { } u2 && max is > 0) s.Add(M.CacheUsedRatio, u2 / max.Value);
            if (dirty is { } d2 && max is > 0) s.Add(M.CacheDirtyRatio, d2 / max.Value);
        }

        if (reply.TryGetValue("mem", out var mm) && mm is BsonDocument mem)
        {
            // serverStatus reports memory in MiB.
            if (Number(mem, "resident") is { } resident) s.Add(M.MemoryResident, resident * MiB);
            if (Number(mem, "virtual") is { } virt) s.Add(M.MemoryVirtual, virt * MiB);
        }

        if (Path(reply, "metrics", "cursor") is { } cursor)
        {
            if (Number(cursor, "timedOut") is { } timedOut) s.Add(M.CursorsTimedOut, timedOut);
            if (cursor.TryGetValue("open", out var op) && op is BsonDocument open)
            {
                if (Number(open, "total") is { } total) s.Add(M.CursorsOpen, total);
                if (Number(open, "noTimeout") is { } noTimeout) s.Add(M.CursorsOpenNoTimeout, noTimeout);
                if (Number(open, "pinned") is { } pinned) s.Add(M.CursorsOpenPinned, pinned);
            }
        }
    }

    private static readonly (string Field, MetricDefinition Metric)[] Opcounters =
    [
        ("insert", M.OpcountersInsert), ("query", M.OpcountersQuery), ("update", M.OpcountersUpdate),
        ("delete", M.OpcountersDelete), ("getmore", M.OpcountersGetmore), ("command", M.OpcountersCommand),
    ];

    private static readonly (string Kind, MetricDefinition Seconds, MetricDefinition Operations)[] OpLatencies =
    [
        ("reads", M.OpLatencyReadsSeconds, M.OpLatencyReadsOps), ("writes", M.OpLatencyWritesSeconds, M.OpLatencyWritesOps),
        ("commands", M.OpLatencyCommandsSeconds, M.OpLatencyCommandsOps), ("transactions", M.OpLatencyTransactionsSeconds, M.OpLatencyTransactionsOps),
    ];

    private static readonly (string Field, MetricDefinition Metric)[] Asserts =
    [
        ("regular", M.AssertsRegular), ("warning", M.AssertsWarning), ("msg", M.AssertsMsg),
        ("user", M.AssertsUser), ("tripwire", M.AssertsTripwire), ("rollovers", M.AssertsRollovers),
    ];

    /// <summary>
    /// Read and write tickets: how many operations may be inside the storage engine at once. 7.0 reports them under
    /// queues.execution (and sizes them dynamically); older servers under wiredTiger.concurrentTransactions.
    /// </summary>
    private static void Tickets(BsonDocument reply, SampleSet s)
    {
        var tickets = Path(reply, "queues", "execution") ?? Path(reply, "wiredTiger", "concurrentTransactions");
        if (tickets is null) return;
        foreach (var operation in new[] { "read", "write" })
        {
            if (!tickets.TryGetValue(operation, out var t) || t is not BsonDocument ticket) continue;
            var inUse = Number(ticket, "out");
            var available = Number(ticket, "available");
            if (available is { } free) s.Add(M.TicketsAvailable, free, operation);
            if (inUse is { } held) s.Add(M.TicketsInUse, held, operation);
            if (inUse is { } h && Number(ticket, "totalTickets") is { } total && total > 0) s.Add(M.TicketsUsedRatio, h / total, operation);
        }
    }

    /// <summary>
    /// metrics.commands has one {failed, total} document per command name; a few (update, findAndModify, ...) carry
    /// more fields beside them, and "&lt;UNKNOWN&gt;" is a bare number of unknown commands received, counted as failed.
    /// </summary>
    private static void Commands(BsonDocument commands, SampleSet s)
    {
        double failed = 0, total = 0;
        foreach (var element in commands)
        {
            if (element.Value is BsonDocument command)
            {
                failed += Number(command, "failed") ?? 0;
                total += Number(command, "total") ?? 0;
            }
            else if (element.Name == "<UNKNOWN>" && element.Value.IsNumeric)
            {
                failed += element.Value.ToDouble();
                total += element.Value.ToDouble();
            }
        }
        s.Add(M.CommandsTotal, total);
        s.Add(M.CommandsFailed, failed);
    }

    /// <summary>
    /// replSetGetStatus. Lag is measured as in rs.printSecondaryReplicationInfo(): the primary's optimeDate minus the
    /// member's. Without a visible primary there is no lag to measure, and mongodb_replset_has_primary says so.
    /// </summary>
    public static void ReplSetStatus(BsonDocument reply, SampleSet s)
    {
        s.Add(M.ReplSetEnabled, 1);
        if (Number(reply, "myState") is { } myState) s.Add(M.ReplSetMyState, myState);
        var members = reply.TryGetValue("members", out var m) && m is BsonArray array ? array.OfType<BsonDocument>().ToList() : [];
        var primary = members.FirstOrDefault(x => Number(x, "state") == 1);
        var primaryOptime = primary is null ? null : OptimeDate(primary);
        s.Add(M.ReplSetHasPrimary, primary is not null);

        double unhealthy = 0, maxLag = 0;
        foreach (var member in members)
        {
            var name = member.GetValue("name", "?").ToString()!;
            var state = Number(member, "state") ?? -1;
            var health = Number(member, "health") ?? 0;
            s.Add(M.ReplSetMemberState, state, name);
            s.Add(M.ReplSetMemberHealth, health, name);
            if (health < 1) unhealthy++;
            // The reply has no ping to itself.
            if (Number(member, "pingMs") is { } ping) s.Add(M.ReplSetMemberPing, ping / 1000, name);
            // Only a secondary (2) has a lag; arbiters carry no data and an unreachable member's optime is stale or zero.
            if (primaryOptime is { } p && state is 1 or 2 && OptimeDate(member) is { } optime)
            {
                var lag = Math.Max(0, (p - optime).TotalSeconds);
                s.Add(M.ReplSetMemberLag, lag, name);
                maxLag = Math.Max(maxLag, lag);
                if (member.GetValue("self", false).ToBoolean()) s.Add(M.ReplSetLag, lag);
            }
        }
        s.Add(M.ReplSetMembers, members.Count);
        s.Add(M.ReplSetMembersUnhealthy, unhealthy);
        if (primaryOptime is not null) s.Add(M.ReplSetMaxLag, maxLag);
    }

    /// <summary>Outside a replica set there is nothing more to say than that.</summary>
    public static void NotAReplicaSet(SampleSet s) => s.Add(M.ReplSetEnabled, 0);

    /// <summary>
    /// The time between the oldest and newest oplog entries (two find replies): how long a secondary may be down
    /// and still catch up without a full resync.
    /// </summary>
    public static void OplogWindow(BsonDocument oldestReply, BsonDocument newestReply, SampleSet s)
    {
        var oldest = FirstTimestamp(oldestReply);
        var newest = FirstTimestamp(newestReply);
        if (oldest is null || newest is null) return;
        s.Add(M.OplogWindow, Math.Max(0, newest.Value - oldest.Value) / 3600.0);
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
