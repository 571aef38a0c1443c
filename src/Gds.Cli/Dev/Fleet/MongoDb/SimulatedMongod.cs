using Gds.Monitor.Collectors;
using Gds.Monitor.Collectors.MongoDb;
using MongoDB.Bson;

namespace Gds.Cli.Dev.Fleet.MongoDb;

/// <summary>
/// One mongod of a replica set, answering the collector's commands (<see cref="MongoDbCommands"/>) with the documents
/// a 7.0 server returns: serverStatus, replSetGetStatus and the oplog's two ends. The collector's mapping reads them.
/// Every member's replSetGetStatus shows the same optimes (those of <see cref="SimulatedReplicaSet"/>), so the lag a
/// secondary reports of itself is the lag the primary reports of it.
/// </summary>
internal sealed class SimulatedMongod : SimulatedServer
{
    private const double MaxIncoming = 51_200;
    private const double CacheMax = 32L * 1024 * 1024 * 1024;
    /// <summary>How much faster than the primary writes a secondary applies the oplog once it may.</summary>
    private const double CatchUpSecondsPerSecond = 20;

    private readonly SimulatedReplicaSet _set;
    private readonly double _uptime;
    private readonly double _phase;
    private readonly double _opsPerSecond;
    private DateTimeOffset? _blockedNow;

    // Running totals since the mongod started.
    private double _inserts, _queries, _updates, _deletes, _getmores, _commands;
    private double _readMicros, _writeMicros, _commandMicros, _transactions, _transactionMicros;
    private double _bytesIn, _bytesOut, _requests, _connectionsCreated, _userAsserts, _writeConflicts, _cursorsTimedOut;
    private double _findFailed, _insertFailed, _updateFailed, _aggregateFailed;
    private double _aggregates, _hellos, _heartbeats;
    // Gauges of the current tick.
    private double _connections, _activeConnections, _queuedReaders, _queuedWriters, _activeReaders, _activeWriters;
    private double _readTicketsOut, _writeTicketsOut, _cacheUsed, _cacheDirty, _openCursors;

    public SimulatedMongod(string id, string environment, string region, SimulatedReplicaSet set, double opsPerSecond, int seed)
        : base(Define(id, "mongodb", environment, $"mongodb://gds_monitor@{id}.db.internal:27017/?authSource=admin", ("region", region), ("cluster", set.Name)), seed)
    {
        _set = set;
        _opsPerSecond = opsPerSecond;
        _uptime = Random.Around(30, 10) * 86_400;
        _phase = Random.NextDouble() * Math.PI * 2;
        set.Join(this);
        Integrate(_uptime, 1);
        _cursorsTimedOut = Math.Floor(_uptime / 4_000);
        _connectionsCreated = _uptime * 0.4;
    }

    public string MemberName => Id + ":27017";

    public bool IsPrimary => _set.Primary == this;

    /// <summary>Seconds this member's last applied operation is behind the primary's (0 on the primary).</summary>
    public double Lag { get; private set; }

    /// <summary>An index build (or a long lock) on this secondary holds up oplog application; it has since <paramref name="since"/>.</summary>
    public void BlockApply(DateTimeOffset since) => _blockedNow = since;

    public override void Calm() => _blockedNow = null;

    public override void Advance(FleetMoment now)
    {
        var load = 1 + Wobble.Swing(now.SinceStart, 0.1, 540, _phase);
        Integrate(now.StepSeconds, load);
        _cursorsTimedOut += now.StepSeconds / 97;
        _connectionsCreated += now.StepSeconds * Random.Around(0.4, 0.3);
        AdvanceLag(now);

        var clients = IsPrimary ? 470 : 95;
        _connections = Math.Round(clients * load + Random.Around(0, 6));
        _activeConnections = Math.Round(_connections * 0.06 + Random.Around(0, 3));
        _activeReaders = Math.Max(0, Math.Round(Random.Around(3, 3)));
        _activeWriters = IsPrimary ? Math.Max(0, Math.Round(Random.Around(2, 2))) : 0;
        _queuedReaders = Random.NextDouble() < 0.2 ? 1 : 0;
        _queuedWriters = IsPrimary && Random.NextDouble() < 0.2 ? 1 : 0;
        _readTicketsOut = _activeReaders + Math.Round(Random.Around(1, 1));
        _writeTicketsOut = _activeWriters;
        _cacheUsed = CacheMax * Random.Around(0.8, 0.004);
        _cacheDirty = CacheMax * (IsPrimary ? Random.Around(0.035, 0.01) : Random.Around(0.012, 0.004));
        _openCursors = Math.Round(Random.Around(IsPrimary ? 42 : 9, 6));
    }

    private void AdvanceLag(FleetMoment now)
    {
        if (IsPrimary) { Lag = 0; return; }
        if (_blockedNow is { } since)
        {
            Lag = (now.At - since).TotalSeconds;
            return;
        }
        Lag = Math.Max(Random.Around(0.4, 0.35), Lag - CatchUpSecondsPerSecond * now.StepSeconds);
    }

    /// <summary>
    /// Client traffic over <paramref name="seconds"/>: a primary takes reads and writes; a secondary serves some reads
    /// and applies writes through replication, which its opcounters (client operations) do not count.
    /// </summary>
    private void Integrate(double seconds, double load)
    {
        var ops = _opsPerSecond * load * seconds * (IsPrimary ? 1 : 0.15);
        var writes = IsPrimary ? ops * 0.3 : 0;
        var reads = ops - writes;
        var inserts = writes * 0.55;
        var updates = writes * 0.4;
        var deletes = writes * 0.05;
        var queries = reads * 0.8;
        var getmores = reads * 0.2;
        var commands = ops * 0.45 + 2 * seconds;
        _inserts += inserts;
        _updates += updates;
        _deletes += deletes;
        _queries += queries;
        _getmores += getmores;
        _commands += commands;
        _aggregates += reads * 0.12;
        _hellos += seconds * 6;
        _heartbeats += seconds * (_set.Size - 1) / 2.0;
        _readMicros += reads * 420 * Random.Around(1, 0.1);
        _writeMicros += writes * 930 * Random.Around(1, 0.1);
        _commandMicros += commands * 260;
        _transactions += writes * 0.01;
        _transactionMicros += writes * 0.01 * 4_100;
        // A failed command (a duplicate key, a bad query) raises a user assert.
        var failed = inserts * 0.0003 + updates * 0.0001 + queries * 0.00001 + reads * 0.12 * 0.0002;
        _insertFailed += inserts * 0.0003;
        _updateFailed += updates * 0.0001;
        _findFailed += queries * 0.00001;
        _aggregateFailed += reads * 0.12 * 0.0002;
        _userAsserts += failed;
        _writeConflicts += updates * 0.0004;
        _bytesIn += ops * 610;
        _bytesOut += ops * 1_750;
        _requests += ops + commands;
    }

    protected override SampleSet Answer(FleetMoment now)
    {
        var samples = new SampleSet();
        MongoDbMapping.ServerStatus(ServerStatus(now), samples);
        MongoDbMapping.ReplSetStatus(_set.Status(this, now, Random), samples);
        MongoDbMapping.OplogWindow(OplogEdge(now, newest: false), OplogEdge(now, newest: true), samples);
        return samples;
    }

    protected override TimeSpan ScrapeTime() => TimeSpan.FromMilliseconds(Random.Around(6, 3));

    private static BsonInt64 Long(double value) => new((long)Math.Floor(value));

    private BsonDocument ServerStatus(FleetMoment now) => new()
    {
        { "host", MemberName },
        { "version", "7.0.14" },
        { "process", "mongod" },
        { "uptime", Math.Floor(_uptime + now.SinceStart.TotalSeconds) },
        { "localTime", new BsonDateTime(now.At.UtcDateTime) },
        { "asserts", new BsonDocument { { "regular", 0 }, { "warning", 0 }, { "msg", 0 }, { "user", Long(_userAsserts) }, { "tripwire", 0 }, { "rollovers", 0 } } },
        { "connections", new BsonDocument
            {
                { "current", (int)_connections }, { "available", (int)(MaxIncoming - _connections) }, { "totalCreated", Long(_connectionsCreated) },
                { "rejected", 0 }, { "active", (int)_activeConnections },
            } },
        { "globalLock", new BsonDocument
            {
                { "currentQueue", new BsonDocument { { "total", (int)(_queuedReaders + _queuedWriters) }, { "readers", (int)_queuedReaders }, { "writers", (int)_queuedWriters } } },
                { "activeClients", new BsonDocument { { "total", (int)(_activeReaders + _activeWriters) }, { "readers", (int)_activeReaders }, { "writers", (int)_activeWriters } } },
            } },
        { "network", new BsonDocument { { "bytesIn", Long(_bytesIn) }, { "bytesOut", Long(_bytesOut) }, { "numRequests", Long(_requests) } } },
        { "queues", new BsonDocument
            {
                { "execution", new BsonDocument
                    {
                        { "write", Tickets(_writeTicketsOut) },
                        { "read", Tickets(_readTicketsOut) },
                    } },
            } },
        { "opLatencies", new BsonDocument
            {
                { "reads", Latency(_readMicros, _queries + _getmores) },
                { "writes", Latency(_writeMicros, _inserts + _updates + _deletes) },
                { "commands", Latency(_commandMicros, _commands) },
                { "transactions", Latency(_transactionMicros, _transactions) },
            } },
        { "opcounters", new BsonDocument
            {
                { "insert", Long(_inserts) }, { "query", Long(_queries) }, { "update", Long(_updates) }, { "delete", Long(_deletes) },
                { "getmore", Long(_getmores) }, { "command", Long(_commands) },
            } },
        { "mem", new BsonDocument { { "bits", 64 }, { "resident", IsPrimary ? 33_410 : 32_980 }, { "virtual", IsPrimary ? 35_620 : 35_150 }, { "supported", true } } },
        { "metrics", new BsonDocument
            {
                { "commands", new BsonDocument
                    {
                        { "<UNKNOWN>", 0L },
                        { "aggregate", Command(_aggregateFailed, _aggregates) },
                        { "find", Command(_findFailed, _queries) },
                        { "getMore", Command(0, _getmores) },
                        { "hello", Command(0, _hellos) },
                        { "insert", Command(_insertFailed, _inserts) },
                        { "replSetHeartbeat", Command(0, _heartbeats) },
                        { "serverStatus", Command(0, _uptime + now.SinceStart.TotalSeconds) },
                        { "update", new BsonDocument { { "arrayFilters", 0L }, { "failed", Long(_updateFailed) }, { "pipeline", 0L }, { "total", Long(_updates) } } },
                    } },
                { "operation", new BsonDocument { { "scanAndOrder", Long(_queries * 0.0005) }, { "writeConflicts", Long(_writeConflicts) } } },
                { "cursor", new BsonDocument
                    {
                        { "timedOut", Long(_cursorsTimedOut) },
                        { "open", new BsonDocument { { "noTimeout", 1L }, { "pinned", 2L }, { "total", (long)_openCursors } } },
                    } },
            } },
        { "wiredTiger", new BsonDocument
            {
                { "cache", new BsonDocument
                    {
                        { "bytes currently in the cache", Long(_cacheUsed) },
                        { "maximum bytes configured", Long(CacheMax) },
                        { "tracked dirty bytes in the cache", Long(_cacheDirty) },
                    } },
            } },
        { "ok", 1.0 },
    };

    private static BsonDocument Tickets(double outstanding) =>
        new() { { "out", (int)outstanding }, { "available", 128 - (int)outstanding }, { "totalTickets", 128 } };

    private static BsonDocument Latency(double micros, double ops) => new() { { "latency", Long(micros) }, { "ops", Long(ops) } };

    private static BsonDocument Command(double failed, double total) => new() { { "failed", Long(failed) }, { "total", Long(total) } };

    /// <summary>
    /// The oplog keeps about two days of writes (it is capped by size); its newest entry is this member's last
    /// applied operation, so a lagging secondary's newest entry is as old as its lag.
    /// </summary>
    private BsonDocument OplogEdge(FleetMoment now, bool newest)
    {
        var newestAt = now.At.ToUnixTimeSeconds() - (long)Math.Floor(Lag);
        var window = 49 * 3600 + (long)Wobble.Swing(now.SinceStart, 1800, 3600, _phase);
        var ts = new BsonTimestamp((int)(newest ? newestAt : newestAt - window), newest ? 7 : 1);
        return new BsonDocument
        {
            { "cursor", new BsonDocument { { "firstBatch", new BsonArray { new BsonDocument("ts", ts) } }, { "id", 0L }, { "ns", "local.oplog.rs" } } },
            { "ok", 1.0 },
        };
    }
}
