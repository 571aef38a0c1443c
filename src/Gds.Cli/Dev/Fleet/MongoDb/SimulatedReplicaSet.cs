using MongoDB.Bson;

namespace Gds.Cli.Dev.Fleet.MongoDb;

/// <summary>
/// A replica set of simulated mongods: its first member is the primary. replSetGetStatus looks the same from every
/// member (the same states and optimes) except for which member is "self" and the heartbeat round trips to the others.
/// </summary>
internal sealed class SimulatedReplicaSet(string name)
{
    private readonly List<SimulatedMongod> _members = [];

    public string Name { get; } = name;

    public SimulatedMongod? Primary => _members.FirstOrDefault();

    public int Size => _members.Count;

    public void Join(SimulatedMongod member) => _members.Add(member);

    /// <summary>replSetGetStatus as <paramref name="self"/> answers it.</summary>
    public BsonDocument Status(SimulatedMongod self, FleetMoment now, Random random)
    {
        // The primary wrote a moment ago; each member's last applied write is its lag older.
        var primaryOptime = now.At.AddMilliseconds(-15);
        var members = new BsonArray();
        for (var i = 0; i < _members.Count; i++)
        {
            var m = _members[i];
            var optime = primaryOptime.AddSeconds(-m.Lag);
            var doc = new BsonDocument
            {
                { "_id", i },
                { "name", m.MemberName },
                { "health", 1.0 },
                { "state", m.IsPrimary ? 1 : 2 },
                { "stateStr", m.IsPrimary ? "PRIMARY" : "SECONDARY" },
                { "optime", new BsonDocument { { "ts", new BsonTimestamp((int)optime.ToUnixTimeSeconds(), 1) }, { "t", 11L } } },
                { "optimeDate", new BsonDateTime(optime.UtcDateTime) },
                { "syncSourceHost", m.IsPrimary ? "" : Primary!.MemberName },
            };
            if (m == self) doc.Add("self", true);
            else doc.Add("pingMs", (long)random.Next(1, 4));
            members.Add(doc);
        }
        return new BsonDocument
        {
            { "set", Name },
            { "date", new BsonDateTime(now.At.UtcDateTime) },
            { "myState", self.IsPrimary ? 1 : 2 },
            { "heartbeatIntervalMillis", 2000L },
            { "members", members },
            { "ok", 1.0 },
        };
    }
}
