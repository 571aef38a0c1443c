using Gds.Contracts.Metrics;

namespace Gds.Cli.Dev;

/// <summary>
/// A deterministic make-believe fleet for `gds dev` and end-to-end tests: several instances of each database
/// type with realistic gauges and counters, plus scripted incidents that replay every <see cref="Cycle"/>:
/// a CPU spike, connections saturating then recovering, replication lag growing then catching up. The same
/// seed and times give the same samples, so a test can predict every alert independently.
/// </summary>
public sealed class SyntheticFleet
{
    /// <summary>The incident script repeats with this period, so a long run keeps showing the lifecycle.</summary>
    public static readonly TimeSpan Cycle = TimeSpan.FromSeconds(120);

    public IReadOnlyList<FleetInstance> Instances { get; }
    public IReadOnlyList<Incident> Incidents { get; }
    private readonly int _seed;

    public SyntheticFleet(int instancesPerType = 3, int seed = 42)
    {
        _seed = seed;
        var list = new List<FleetInstance>();
        foreach (var (type, prefix) in new[] { (DatabaseTypes.PostgreSql, "pg"), (DatabaseTypes.MongoDb, "mongo"), (DatabaseTypes.SqlServer, "mssql"), (DatabaseTypes.Snowflake, "sf") })
            for (var i = 1; i <= instancesPerType; i++)
                list.Add(new FleetInstance($"{prefix}-prod-{i:00}", type, "production", i % 2 == 0 ? "eu-west-1" : "us-east-1"));
        list.Add(new FleetInstance("pg-staging-01", DatabaseTypes.PostgreSql, "staging", "us-east-1"));
        Instances = list;
        Incidents =
        [
            // Starts within seconds and resolves well inside the first minute.
            new Incident("mssql-prod-02", "cpu_usage_percent", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(18), p => 96 + 2 * Math.Sin(p * 6)),
            new Incident("pg-prod-01", "pg_connections_used_ratio", TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(36), p => p < 0.25 ? 0.55 + p / 0.25 * 0.42 : 0.97),
            new Incident("pg-prod-02", "pg_replication_replay_lag_seconds", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(45), p => 1 + p * 110),
            new Incident("mongo-prod-03", "mongodb_repl_lag_seconds", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(50), p => 25 + p * 40),
            new Incident("sf-prod-01", "snowflake_warehouse_queued_load", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(55), _ => 6),
            new Incident("mssql-prod-01", "mssql_page_life_expectancy_seconds", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90), _ => 120),
        ];
    }

    /// <summary>Every instance's samples at <paramref name="at"/>, <paramref name="sinceStart"/> into the run.</summary>
    public IEnumerable<Metric> Sample(DateTimeOffset at, TimeSpan sinceStart, long tick)
    {
        var inCycle = TimeSpan.FromTicks(sinceStart.Ticks % Cycle.Ticks);
        foreach (var inst in Instances)
        {
            var rng = new Random(StableHash(inst.Id, _seed, tick));
            var correlation = DeterministicGuid(inst.Id, tick);
            foreach (var (name, value) in Series(inst, rng, sinceStart, tick))
            {
                var v = value;
                foreach (var inc in Incidents)
                    if (inc.InstanceId == inst.Id && inc.Metric == name && inCycle >= inc.Start && inCycle < inc.End)
                        v = Math.Round(inc.Shape((inCycle - inc.Start) / (inc.End - inc.Start)), 4);
                yield return new Metric
                {
                    Timestamp = at,
                    DatabaseType = inst.DatabaseType,
                    InstanceId = inst.Id,
                    MetricName = name,
                    Value = v,
                    Tags = new Dictionary<string, string> { ["environment"] = inst.Environment, ["region"] = inst.Region },
                    Metadata = new MetricMetadata { CollectionDurationMs = 20 + rng.Next(0, 60), Version = "1.0", CorrelationId = correlation },
                };
            }
        }
    }

    private static IEnumerable<(string, double)> Series(FleetInstance inst, Random rng, TimeSpan t, long tick)
    {
        double Noise(double center, double spread) => Math.Round(center + (rng.NextDouble() - 0.5) * 2 * spread, 4);
        var seconds = t.TotalSeconds;
        yield return ("cpu_usage_percent", Noise(35 + 10 * Math.Sin(seconds / 60), 8));
        switch (inst.DatabaseType)
        {
            case DatabaseTypes.PostgreSql:
                yield return ("pg_connections_used_ratio", Noise(0.45, 0.1));
                yield return ("pg_replication_replay_lag_seconds", Noise(0.8, 0.5) is var lag && lag < 0 ? 0 : lag);
                yield return ("pg_xact_commit_total", 1_000_000 + tick * 850 + rng.Next(0, 50));
                yield return ("pg_deadlocks_total", tick / 40);
                break;
            case DatabaseTypes.MongoDb:
                yield return ("mongodb_connections_current", Math.Round(Noise(420, 60)));
                yield return ("mongodb_repl_lag_seconds", Math.Max(0, Noise(1, 0.8)));
                yield return ("mongodb_opcounters_query_total", 5_000_000 + tick * 1200);
                break;
            case DatabaseTypes.SqlServer:
                yield return ("mssql_page_life_expectancy_seconds", Math.Round(Noise(2400, 300)));
                yield return ("mssql_batch_requests_total", 9_000_000 + tick * 640);
                break;
            case DatabaseTypes.Snowflake:
                yield return ("snowflake_warehouse_queued_load", Math.Max(0, Noise(0.3, 0.3)));
                yield return ("snowflake_credits_used_total", Math.Round(120 + tick * 0.002, 3));
                break;
        }
    }

    private static string DeterministicGuid(string instance, long tick)
    {
        Span<byte> b = stackalloc byte[16];
        BitConverter.TryWriteBytes(b, StableHash(instance, 17, tick));
        BitConverter.TryWriteBytes(b[4..], tick);
        BitConverter.TryWriteBytes(b[12..], StableHash(instance, 29, 0));
        return new Guid(b).ToString();
    }

    /// <summary>FNV-1a: unlike string.GetHashCode it is the same in every process, so runs are reproducible.</summary>
    private static int StableHash(string text, int seed, long tick)
    {
        var h = 2166136261u ^ (uint)seed;
        foreach (var c in text) { h ^= c; h *= 16777619; }
        for (var i = 0; i < 8; i++) { h ^= (byte)(tick >> (8 * i)); h *= 16777619; }
        return (int)(h & 0x7fffffff);
    }
}

public sealed record FleetInstance(string Id, string DatabaseType, string Environment, string Region);

/// <summary>A scripted episode: between Start and End (within each cycle) the series follows Shape(progress 0..1).</summary>
public sealed record Incident(string InstanceId, string Metric, TimeSpan Start, TimeSpan End, Func<double, double> Shape);
