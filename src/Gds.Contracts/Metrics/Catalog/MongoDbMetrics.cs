namespace Gds.Contracts.Metrics.Catalog;

/// <summary>
/// The metrics of MongoDB targets (one mongod each): serverStatus, replSetGetStatus and the oplog. A section the
/// server does not report is left out, not published as 0.
/// </summary>
public static class MongoDbMetrics
{
    private const string Db = DatabaseTypes.MongoDb;
    private const string Member = "member";
    private const string Operation = "operation";

    public static readonly MetricDefinition Uptime = MetricDefinition.Gauge(Db, "mongodb_uptime_seconds", "seconds",
        "Seconds since the mongod started (serverStatus.uptime)");

    // serverStatus.connections and network.
    public static readonly MetricDefinition ConnectionsCurrent = MetricDefinition.Gauge(Db, "mongodb_connections_current", "connections",
        "Incoming client connections open now");
    public static readonly MetricDefinition ConnectionsAvailable = MetricDefinition.Gauge(Db, "mongodb_connections_available", "connections",
        "Incoming connections still available before the limit (net.maxIncomingConnections or the OS's)");
    public static readonly MetricDefinition ConnectionsActive = MetricDefinition.Gauge(Db, "mongodb_connections_active", "connections",
        "Client connections with an operation in progress");
    public static readonly MetricDefinition ConnectionsUsedRatio = MetricDefinition.Gauge(Db, "mongodb_connections_used_ratio", "ratio",
        "current / (current + available) connections");
    public static readonly MetricDefinition ConnectionsCreated = MetricDefinition.Counter(Db, "mongodb_connections_created_total", "connections",
        "Incoming connections created since start (connections.totalCreated): a fast rise is a client without a pool");
    public static readonly MetricDefinition NetworkIn = MetricDefinition.Counter(Db, "mongodb_network_in_bytes_total", "bytes",
        "Bytes received from clients and other members (network.bytesIn)");
    public static readonly MetricDefinition NetworkOut = MetricDefinition.Counter(Db, "mongodb_network_out_bytes_total", "bytes",
        "Bytes sent to clients and other members (network.bytesOut)");
    public static readonly MetricDefinition NetworkRequests = MetricDefinition.Counter(Db, "mongodb_network_requests_total", "requests",
        "Distinct requests the server received (network.numRequests)");

    // serverStatus.opcounters: traffic by operation type.
    public static readonly MetricDefinition OpcountersInsert = MetricDefinition.Counter(Db, "mongodb_opcounters_insert_total", "operations",
        "Insert operations since start (opcounters.insert; a bulk insert counts each document)");
    public static readonly MetricDefinition OpcountersQuery = MetricDefinition.Counter(Db, "mongodb_opcounters_query_total", "operations",
        "Queries since start (opcounters.query)");
    public static readonly MetricDefinition OpcountersUpdate = MetricDefinition.Counter(Db, "mongodb_opcounters_update_total", "operations",
        "Update operations since start (opcounters.update)");
    public static readonly MetricDefinition OpcountersDelete = MetricDefinition.Counter(Db, "mongodb_opcounters_delete_total", "operations",
        "Delete operations since start (opcounters.delete)");
    public static readonly MetricDefinition OpcountersGetmore = MetricDefinition.Counter(Db, "mongodb_opcounters_getmore_total", "operations",
        "getMore operations (further batches of a cursor) since start (opcounters.getmore)");
    public static readonly MetricDefinition OpcountersCommand = MetricDefinition.Counter(Db, "mongodb_opcounters_command_total", "operations",
        "Commands other than insert, update and delete since start (opcounters.command)");

    // serverStatus.opLatencies: total time and operations per kind, so rate(seconds) / rate(ops) is the mean latency.
    public static readonly MetricDefinition OpLatencyReadsSeconds = MetricDefinition.Counter(Db, "mongodb_op_latency_reads_seconds_total", "seconds",
        "Time spent in read operations since start (opLatencies.reads.latency, microseconds converted)");
    public static readonly MetricDefinition OpLatencyReadsOps = MetricDefinition.Counter(Db, "mongodb_op_latency_reads_ops_total", "operations",
        "Read operations timed in opLatencies.reads.ops");
    public static readonly MetricDefinition OpLatencyWritesSeconds = MetricDefinition.Counter(Db, "mongodb_op_latency_writes_seconds_total", "seconds",
        "Time spent in write operations since start (opLatencies.writes.latency)");
    public static readonly MetricDefinition OpLatencyWritesOps = MetricDefinition.Counter(Db, "mongodb_op_latency_writes_ops_total", "operations",
        "Write operations timed in opLatencies.writes.ops");
    public static readonly MetricDefinition OpLatencyCommandsSeconds = MetricDefinition.Counter(Db, "mongodb_op_latency_commands_seconds_total", "seconds",
        "Time spent in database commands since start (opLatencies.commands.latency)");
    public static readonly MetricDefinition OpLatencyCommandsOps = MetricDefinition.Counter(Db, "mongodb_op_latency_commands_ops_total", "operations",
        "Database commands timed in opLatencies.commands.ops");
    public static readonly MetricDefinition OpLatencyTransactionsSeconds = MetricDefinition.Counter(Db, "mongodb_op_latency_transactions_seconds_total", "seconds",
        "Time spent in multi-document transactions since start (opLatencies.transactions.latency)");
    public static readonly MetricDefinition OpLatencyTransactionsOps = MetricDefinition.Counter(Db, "mongodb_op_latency_transactions_ops_total", "transactions",
        "Multi-document transactions timed in opLatencies.transactions.ops");

    // Errors.
    public static readonly MetricDefinition CommandsTotal = MetricDefinition.Counter(Db, "mongodb_commands_total", "commands",
        "Commands executed since start, summed over serverStatus.metrics.commands");
    public static readonly MetricDefinition CommandsFailed = MetricDefinition.Counter(Db, "mongodb_commands_failed_total", "commands",
        "Commands that failed since start, summed over serverStatus.metrics.commands (with mongodb_commands_total, an error ratio)");
    public static readonly MetricDefinition WriteConflicts = MetricDefinition.Counter(Db, "mongodb_write_conflicts_total", "operations",
        "Write operations that hit a write conflict and were retried (metrics.operation.writeConflicts): contention on the same documents");
    public static readonly MetricDefinition AssertsRegular = MetricDefinition.Counter(Db, "mongodb_asserts_regular_total", "asserts",
        "Regular asserts raised since start (serious server-side errors)");
    public static readonly MetricDefinition AssertsWarning = MetricDefinition.Counter(Db, "mongodb_asserts_warning_total", "asserts",
        "Warning asserts raised since start");
    public static readonly MetricDefinition AssertsMsg = MetricDefinition.Counter(Db, "mongodb_asserts_msg_total", "asserts",
        "Message asserts raised since start");
    public static readonly MetricDefinition AssertsUser = MetricDefinition.Counter(Db, "mongodb_asserts_user_total", "asserts",
        "User asserts raised since start: errors a client caused (duplicate keys, bad queries, full disk)");
    public static readonly MetricDefinition AssertsTripwire = MetricDefinition.Counter(Db, "mongodb_asserts_tripwire_total", "asserts",
        "Tripwire asserts raised since start (internal invariants; should stay 0)");
    public static readonly MetricDefinition AssertsRollovers = MetricDefinition.Counter(Db, "mongodb_asserts_rollovers_total", "asserts",
        "Times the assert counters rolled over");

    // Saturation: the global lock queue and WiredTiger's execution tickets.
    public static readonly MetricDefinition GlobalLockQueue = MetricDefinition.Gauge(Db, "mongodb_global_lock_queue_operations", "operations",
        "Operations queued waiting for a lock (globalLock.currentQueue.total)");
    public static readonly MetricDefinition GlobalLockQueueReaders = MetricDefinition.Gauge(Db, "mongodb_global_lock_queue_readers", "operations",
        "Operations queued waiting for a read lock (globalLock.currentQueue.readers)");
    public static readonly MetricDefinition GlobalLockQueueWriters = MetricDefinition.Gauge(Db, "mongodb_global_lock_queue_writers", "operations",
        "Operations queued waiting for a write lock (globalLock.currentQueue.writers)");
    public static readonly MetricDefinition GlobalLockActiveReaders = MetricDefinition.Gauge(Db, "mongodb_global_lock_active_readers", "clients",
        "Clients performing read operations (globalLock.activeClients.readers)");
    public static readonly MetricDefinition GlobalLockActiveWriters = MetricDefinition.Gauge(Db, "mongodb_global_lock_active_writers", "clients",
        "Clients performing write operations (globalLock.activeClients.writers)");
    public static readonly MetricDefinition TicketsAvailable = MetricDefinition.Gauge(Db, "mongodb_wiredtiger_tickets_available", "tickets",
        "Storage-engine read or write tickets free (queues.execution, before 7.0 wiredTiger.concurrentTransactions): at 0 operations queue", Operation);
    public static readonly MetricDefinition TicketsInUse = MetricDefinition.Gauge(Db, "mongodb_wiredtiger_tickets_in_use", "tickets",
        "Storage-engine read or write tickets held by running operations (out)", Operation);
    public static readonly MetricDefinition TicketsUsedRatio = MetricDefinition.Gauge(Db, "mongodb_wiredtiger_tickets_used_ratio", "ratio",
        "Read or write tickets in use / totalTickets", Operation);

    // WiredTiger cache and memory.
    public static readonly MetricDefinition CacheUsed = MetricDefinition.Gauge(Db, "mongodb_wiredtiger_cache_used_bytes", "bytes",
        "Bytes currently in the WiredTiger cache");
    public static readonly MetricDefinition CacheDirty = MetricDefinition.Gauge(Db, "mongodb_wiredtiger_cache_dirty_bytes", "bytes",
        "Tracked dirty bytes in the WiredTiger cache (modified, not yet written)");
    public static readonly MetricDefinition CacheMax = MetricDefinition.Gauge(Db, "mongodb_wiredtiger_cache_max_bytes", "bytes",
        "Maximum bytes configured for the WiredTiger cache");
    public static readonly MetricDefinition CacheUsedRatio = MetricDefinition.Gauge(Db, "mongodb_wiredtiger_cache_used_ratio", "ratio",
        "Cache used / maximum: eviction by application threads starts near 0.95");
    public static readonly MetricDefinition CacheDirtyRatio = MetricDefinition.Gauge(Db, "mongodb_wiredtiger_cache_dirty_ratio", "ratio",
        "Dirty cache / maximum: above 0.2 application threads help evict and latency rises");
    public static readonly MetricDefinition MemoryResident = MetricDefinition.Gauge(Db, "mongodb_memory_resident_bytes", "bytes",
        "Resident memory of the mongod process (serverStatus.mem.resident)");
    public static readonly MetricDefinition MemoryVirtual = MetricDefinition.Gauge(Db, "mongodb_memory_virtual_bytes", "bytes",
        "Virtual memory of the mongod process (serverStatus.mem.virtual)");

    // metrics.cursor.
    public static readonly MetricDefinition CursorsOpen = MetricDefinition.Gauge(Db, "mongodb_cursors_open", "cursors",
        "Cursors open now (metrics.cursor.open.total)");
    public static readonly MetricDefinition CursorsOpenNoTimeout = MetricDefinition.Gauge(Db, "mongodb_cursors_open_no_timeout", "cursors",
        "Open cursors with noCursorTimeout, which are never reaped");
    public static readonly MetricDefinition CursorsOpenPinned = MetricDefinition.Gauge(Db, "mongodb_cursors_open_pinned", "cursors",
        "Open cursors pinned to a connection");
    public static readonly MetricDefinition CursorsTimedOut = MetricDefinition.Counter(Db, "mongodb_cursors_timed_out_total", "cursors",
        "Cursors that timed out since start (a client that does not exhaust or close its cursors)");

    // replSetGetStatus and the oplog.
    public static readonly MetricDefinition ReplSetEnabled = MetricDefinition.Gauge(Db, "mongodb_replset_enabled", "boolean",
        "1 when the mongod is a member of a replica set, 0 standalone");
    public static readonly MetricDefinition ReplSetMyState = MetricDefinition.Gauge(Db, "mongodb_replset_my_state", "state",
        "This member's state (myState: 1 PRIMARY, 2 SECONDARY, 7 ARBITER, 8 DOWN, 9 ROLLBACK, ...)");
    public static readonly MetricDefinition ReplSetHasPrimary = MetricDefinition.Gauge(Db, "mongodb_replset_has_primary", "boolean",
        "1 when this member sees a member in state PRIMARY");
    public static readonly MetricDefinition ReplSetMemberState = MetricDefinition.Gauge(Db, "mongodb_replset_member_state", "state",
        "A member's state as this member sees it (members[].state)", Member);
    public static readonly MetricDefinition ReplSetMemberHealth = MetricDefinition.Gauge(Db, "mongodb_replset_member_health", "boolean",
        "1 when the member is reachable (members[].health)", Member);
    public static readonly MetricDefinition ReplSetMemberLag = MetricDefinition.Gauge(Db, "mongodb_replset_member_lag_seconds", "seconds",
        "The primary's optimeDate - the member's (primary and secondaries only)", Member);
    public static readonly MetricDefinition ReplSetMemberPing = MetricDefinition.Gauge(Db, "mongodb_replset_member_ping_seconds", "seconds",
        "Round-trip time of heartbeats to the member (members[].pingMs; none for this member itself)", Member);
    public static readonly MetricDefinition ReplSetLag = MetricDefinition.Gauge(Db, "mongodb_replset_lag_seconds", "seconds",
        "This member's lag behind the primary (0 on the primary; absent without a visible primary)");
    public static readonly MetricDefinition ReplSetMembers = MetricDefinition.Gauge(Db, "mongodb_replset_members", "members",
        "Members of the replica set");
    public static readonly MetricDefinition ReplSetMembersUnhealthy = MetricDefinition.Gauge(Db, "mongodb_replset_members_unhealthy", "members",
        "Members this member cannot reach (health 0)");
    public static readonly MetricDefinition ReplSetMaxLag = MetricDefinition.Gauge(Db, "mongodb_replset_max_lag_seconds", "seconds",
        "The largest lag of any secondary behind the primary");
    public static readonly MetricDefinition OplogWindow = MetricDefinition.Gauge(Db, "mongodb_oplog_window_hours", "hours",
        "Time between the oldest and newest oplog entries: how long a secondary can be down and still catch up");
}
