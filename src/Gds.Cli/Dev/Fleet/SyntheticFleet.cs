using Gds.Cli.Dev.Fleet.Incidents;
using Gds.Cli.Dev.Fleet.MongoDb;
using Gds.Cli.Dev.Fleet.PostgreSql;
using Gds.Cli.Dev.Fleet.Snowflake;
using Gds.Cli.Dev.Fleet.SqlServer;
using Gds.Contracts.Heartbeats;
using Gds.Monitor.Targets;

namespace Gds.Cli.Dev.Fleet;

/// <summary>
/// A make-believe fleet for `gds dev` and the end-to-end tests, seen through the real collectors: each server
/// answers the collector's own queries and commands, the collector's mapping turns the replies into samples, and
/// they become Metric records as a collector publishes them, so every metric is a catalogue metric with its
/// catalogue labels and the numbers agree with each other. Per database type there are <c>instances</c> servers
/// (PostgreSQL primaries each with a streaming standby, a MongoDB replica set, SQL Server instances paired in an
/// availability group, Snowflake accounts) plus pg-staging-01; <see cref="Incidents"/> replay every
/// <see cref="Cycle"/>. The same seed and the same calls give the same records.
/// </summary>
public sealed class SyntheticFleet
{
    /// <summary>The incident script repeats with this period, so a long run keeps showing the lifecycle.</summary>
    public static readonly TimeSpan Cycle = TimeSpan.FromSeconds(120);

    /// <summary>The fleet's collector id on gds.heartbeats: gds dev's fleet is a collector like any other.</summary>
    public const string CollectorId = "gds-dev-fleet";

    private readonly List<SimulatedServer> _servers = [];
    private readonly List<(ScriptedIncident Incident, SimulatedServer Server)> _script = [];
    private TimeSpan? _last;

    /// <param name="instancesPerType">Servers of each database type in production (at least 1).</param>
    /// <param name="withIncidents">False: the fleet at rest, which should page nobody.</param>
    public SyntheticFleet(int instancesPerType = 3, int seed = 42, bool withIncidents = true)
    {
        if (instancesPerType < 1) throw new ArgumentOutOfRangeException(nameof(instancesPerType), "at least one instance per type");
        AddPostgreSql(instancesPerType, seed);
        AddMongoDb(instancesPerType, seed);
        AddSqlServer(instancesPerType, seed);
        AddSnowflake(instancesPerType, seed);
        if (withIncidents)
            foreach (var incident in IncidentScript.All())
                if (_servers.FirstOrDefault(s => s.Id == incident.InstanceId) is { } server)
                    _script.Add((incident, server));
    }

    public IReadOnlyList<TargetDefinition> Targets => _servers.Select(s => s.Target).ToList();

    /// <summary>The incidents of each cycle, by start; with fewer instances, those whose server is missing are left out.</summary>
    public IReadOnlyList<ScriptedIncident> Incidents => _script.Select(s => s.Incident).OrderBy(i => i.Start).ToList();

    /// <summary>
    /// Every server scraped once at <paramref name="at"/>, <paramref name="sinceStart"/> into the run (ticks must come
    /// in order), and the fleet's heartbeat.
    /// </summary>
    public FleetTick Scrape(DateTimeOffset at, TimeSpan sinceStart)
    {
        if (_last is { } last && sinceStart <= last) throw new ArgumentException($"ticks must move forward: {sinceStart} after {last}", nameof(sinceStart));
        var step = _last is { } previous ? (sinceStart - previous).TotalSeconds : 1;
        _last = sinceStart;
        var now = new FleetMoment(at, sinceStart, TimeSpan.FromTicks(sinceStart.Ticks % Cycle.Ticks), sinceStart.Ticks / Cycle.Ticks, step);
        foreach (var server in _servers) server.Calm();
        foreach (var (incident, server) in _script) incident.Apply(server, now);
        foreach (var server in _servers) server.Advance(now);
        var metrics = new List<Metric>();
        foreach (var server in _servers) metrics.AddRange(server.Scrape(now));
        var heartbeat = new Heartbeat
        {
            CollectorId = CollectorId,
            Timestamp = at,
            Targets = _servers.Count,
            TargetsUp = _servers.Count,
            Host = Environment.MachineName,
        };
        return new FleetTick(metrics, heartbeat);
    }

    private static string Region(int cluster) => cluster % 2 == 1 ? "us-east-1" : "eu-west-1";

    /// <summary>Odd instances are primaries, each even one the streaming standby of the one before it.</summary>
    private void AddPostgreSql(int instances, int seed)
    {
        PgDatabaseProfile[][] clusters =
        [
            [PgDatabaseProfile.App("orders", 420, 0.0021, 184, 0.62), PgDatabaseProfile.App("billing", 130, 0.0045, 61, 0.32, 0.5)],
            [PgDatabaseProfile.App("catalog", 260, 0.0017, 95, 0.6), PgDatabaseProfile.App("reporting", 12, 0.085, 410, 0.34, 3)],
            [PgDatabaseProfile.App("payments", 310, 0.0024, 72, 0.55), PgDatabaseProfile.App("ledger", 90, 0.0038, 140, 0.4)],
        ];
        var prod = new Version(16, 4);
        SimulatedPostgreSql? primary = null;
        for (var i = 1; i <= instances; i++)
        {
            var cluster = (i + 1) / 2;
            var apps = clusters[(cluster - 1) % clusters.Length];
            var name = apps[0].Name;
            var id = $"pg-prod-{i:00}";
            if (i % 2 == 1)
                _servers.Add(primary = new SimulatedPostgreSql(id, "production", Region(cluster), name, prod, 200, 90, Databases(apps), seed));
            else
                _servers.Add(new SimulatedPostgreSql(id, "production", Region(cluster), name, prod, 200, 28, Databases(apps).Select(d => d.OnStandby(0.25)).ToList(), seed, primary));
        }
        var staging = clusters[0].Select(d => d.Scaled(0.02)).ToArray();
        _servers.Add(new SimulatedPostgreSql("pg-staging-01", "staging", "us-east-1", "orders", new Version(17, 2), 100, 14, Databases(staging), seed));
    }

    private static List<PgDatabaseProfile> Databases(IEnumerable<PgDatabaseProfile> apps) =>
        [PgDatabaseProfile.Postgres, PgDatabaseProfile.Template1, .. apps];

    /// <summary>Replica sets of three; the first member of each is its primary.</summary>
    private void AddMongoDb(int instances, int seed)
    {
        SimulatedReplicaSet? set = null;
        for (var i = 1; i <= instances; i++)
        {
            if ((i - 1) % 3 == 0) set = new SimulatedReplicaSet($"rs{(i - 1) / 3}");
            _servers.Add(new SimulatedMongod($"mongo-prod-{i:00}", "production", Region((i + 2) / 3), set!, 5_200, seed));
        }
    }

    /// <summary>Pairs in an availability group (odd: the primary replica) and, with an odd count, one standalone instance.</summary>
    private void AddSqlServer(int instances, int seed)
    {
        string[][] local = [["payroll"], ["reporting"], ["sales", "crm"]];
        SimulatedAvailabilityGroup? ag = null;
        for (var i = 1; i <= instances; i++)
        {
            var id = $"mssql-prod-{i:00}";
            var databases = local[(i - 1) % local.Length];
            if (i % 2 == 1 && i == instances)
            {
                _servers.Add(new SimulatedSqlServer(id, "production", Region(i), databases, 1_800, seed));
                continue;
            }
            if (i % 2 == 1) ag = new SimulatedAvailabilityGroup($"ag_erp{(i + 1) / 2}");
            _servers.Add(new SimulatedSqlServer(id, "production", Region((i + 1) / 2), ["erp", .. databases], 2_400, seed, ag));
        }
    }

    private void AddSnowflake(int instances, int seed)
    {
        string[][] warehouses = [["ETL_WH", "BI_WH", "ADHOC_WH"], ["LOAD_WH", "REPORTING_WH"], ["TRANSFORM_WH", "BI_WH", "DS_WH"]];
        for (var i = 1; i <= instances; i++)
            _servers.Add(new SimulatedSnowflakeAccount($"sf-prod-{i:00}", "production", Region(i), warehouses[(i - 1) % warehouses.Length], seed));
    }
}

/// <summary>One tick of the fleet: every server's records (the collector's own metrics included) and the fleet's heartbeat.</summary>
public sealed record FleetTick(IReadOnlyList<Metric> Metrics, Heartbeat Heartbeat);
