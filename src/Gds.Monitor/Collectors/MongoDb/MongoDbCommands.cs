using MongoDB.Bson;

namespace Gds.Monitor.Collectors.MongoDb;

/// <summary>The commands the MongoDB collector sends, kept as data so tests can assert exactly what goes on the wire.</summary>
public static class MongoDbCommands
{
    /// <summary>On admin. Sections the collector does not read are switched off to keep the reply (and its parse) small.</summary>
    public static BsonDocument ServerStatus() => new()
    {
        { "serverStatus", 1 },
        { "repl", 0 },
        { "locks", 0 },
        { "tcmalloc", 0 },
        { "transactions", 0 },
    };

    /// <summary>On admin; fails with code 76 (NoReplicationEnabled) or 94 (NotYetInitialized) outside a replica set.</summary>
    public static BsonDocument ReplSetGetStatus() => new() { { "replSetGetStatus", 1 } };

    /// <summary>On local: the oldest (<paramref name="newest"/> false) or newest oplog entry's ts, in natural order.</summary>
    public static BsonDocument OplogEdge(bool newest) => new()
    {
        { "find", "oplog.rs" },
        { "filter", new BsonDocument() },
        { "sort", new BsonDocument("$natural", newest ? -1 : 1) },
        { "projection", new BsonDocument { { "ts", 1 }, { "_id", 0 } } },
        { "limit", 1 },
        { "singleBatch", true },
    };

    public const int NoReplicationEnabled = 76;
    public const int NotYetInitialized = 94;
}
