using System.Diagnostics;
using Gds.Alerting.Engine;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;

namespace Gds.Bench.Commands;

/// <summary>
/// `gds bench streams --anomaly-series N`: N live series of one default anomaly rule, each fed past its warm-up
/// so its detector is fully built, then what they cost: managed memory per series with the engine's in-memory
/// store (the backtest's, and an upper bound for a cached store), bytes per series as encoded for the RocksDB
/// store and its changelog, and the evaluation rate over those series.
/// </summary>
internal static class AnomalySeriesBench
{
    private const int SamplesPerSeries = 40;

    public static void Run(int series)
    {
        var book = new RuleBook();
        foreach (var rule in new RuleFileReader().Read("bench.yaml", "rules:\n  - id: bench-anomaly\n    kind: anomaly\n    selector: { metric: pg_connections_used }\n    warmup: 0s\n").Rules)
            book.Upsert(CompiledRule.Compile(rule));
        var engine = new AlertEngine(book);
        var tags = new Dictionary<string, string> { ["environment"] = "production" };
        var ids = new string[series];
        for (var i = 0; i < series; i++) ids[i] = "db-" + i.ToString("D7");
        var t0 = new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
        var output = new List<AlertEvent>();

        var before = Heap();
        var store = new InMemorySeriesStateStore();
        var rng = new Random(1);
        var watch = Stopwatch.StartNew();
        long samples = 0;
        for (var k = 0; k < SamplesPerSeries; k++)
        {
            var at = t0.AddMinutes(k);
            for (var i = 0; i < series; i++)
            {
                engine.OnSample(new Metric { Timestamp = at, DatabaseType = DatabaseTypes.PostgreSql, InstanceId = ids[i], MetricName = "pg_connections_used", Value = 100 + rng.Next(10), Tags = tags }, store, output);
                samples++;
            }
            output.Clear();
        }
        var elapsed = watch.Elapsed;
        var after = Heap();
        GC.KeepAlive(store);

        long encoded = 0;
        var sampled = 0;
        foreach (var (_, state) in store.All().Take(1000))
        {
            encoded += SeriesStateCodec.Encode(state).Length;
            sampled++;
        }
        var perSeries = (after - before) / (double)Math.Max(store.Count, 1);
        Console.WriteLine($"anomaly series:      {store.Count:N0} live series of one default anomaly rule, {SamplesPerSeries} samples each ({samples / elapsed.TotalSeconds:N0} samples/s evaluated)");
        Console.WriteLine($"memory per series:   {perSeries:N0} bytes managed heap (in-memory store: state, dedup key, dictionary entry) → {perSeries * 1_000_000 / (1 << 20):N0} MB for 1M series");
        Console.WriteLine($"encoded per series:  {encoded / (double)Math.Max(sampled, 1):N0} bytes as stored in RocksDB and its changelog (average of {sampled:N0})");
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
