using Gds.Alerting.Engine;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;
using Gds.Topology.Evaluation;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.State.Enumerator;

namespace Gds.Bench.Commands;

/// <summary>
/// `gds bench streams --anomaly-series N`: N live series of one default anomaly rule, each with its detector built,
/// and what they cost in the two places series state lives:
/// <list type="bullet">
/// <item>`gds streams`: the evaluate stage's <see cref="KeyValueSeriesStateStore"/> (its key index and its cache of
/// decoded states) over the task's store. Each state goes through the store's encoding both ways (with more series
/// than the cache holds, most states are decoded from the store again). The store itself stands in for RocksDB:
/// what it holds is on disk in a deployment and reported as bytes per series, not counted as heap.</item>
/// <item>a backtest: the in-memory store, fed past its warm-up, with the evaluation rate over those series.</item>
/// </list>
/// Managed heap is measured after full compacting collections.
/// </summary>
internal static class AnomalySeriesBench
{
    private const int SamplesPerSeries = 40;
    private const int StreamsSamplesPerSeries = 3;
    private const string Metric = "pg_connections_used";

    public static void Run(int series)
    {
        var book = new RuleBook();
        foreach (var rule in new RuleFileReader().Read("bench.yaml", "rules:\n  - id: bench-anomaly\n    kind: anomaly\n    selector: { metric: pg_connections_used }\n    warmup: 0s\n").Rules)
            book.Upsert(CompiledRule.Compile(rule));
        var t0 = new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
        Streams(book, series, t0);
        Backtest(book, series, t0);
    }

    /// <summary>What `gds streams` keeps on the heap per live series.</summary>
    private static void Streams(RuleBook book, int series, DateTimeOffset t0)
    {
        var engine = new AlertEngine(book);
        var tags = new Dictionary<string, string> { ["environment"] = "production" };
        var output = new List<AlertEvent>();
        var rocks = new StandInStore();
        var ids = new string[series];
        for (var i = 0; i < series; i++) ids[i] = "db-" + i.ToString("D7");
        var store = new KeyValueSeriesStateStore(rocks);
        var rng = new Random(1);
        var watch = Stopwatch.StartNew();
        for (var k = 0; k < StreamsSamplesPerSeries; k++)
        {
            var at = t0.AddMinutes(k);
            for (var i = 0; i < series; i++)
                engine.OnSample(new Metric { Timestamp = at, DatabaseType = DatabaseTypes.PostgreSql, InstanceId = ids[i], MetricName = Metric, Value = 100 + rng.Next(10), Tags = tags }, store, output);
            output.Clear();
        }
        var elapsed = watch.Elapsed;
        var withStore = Heap();
        var cached = store.CachedStates;
        GC.KeepAlive(store);
        store = null;
        var withoutStore = Heap();
        GC.KeepAlive(ids);
        GC.KeepAlive(rocks);
        // What the stage itself holds: the key index, the cached states and the strings they share. The samples'
        // instance ids are the input's (a deployment's reader holds them), and the stand-in's data is RocksDB's.
        var ownHeap = withStore - withoutStore;
        var perSeries = ownHeap / (double)Math.Max(series, 1);
        var dataPerSeries = rocks.ValueBytes / (double)Math.Max(rocks.Count, 1);
        Console.WriteLine($"gds streams:         {rocks.Count:N0} live series of one default anomaly rule in the evaluate stage's store (key index + cache of {cached:N0} decoded states; {StreamsSamplesPerSeries} samples each, {rocks.Count * (double)StreamsSamplesPerSeries / elapsed.TotalSeconds:N0} samples/s with the store's encoding)");
        Console.WriteLine($"  heap per series:   {perSeries:N0} bytes managed heap → {perSeries * 1_000_000 / (1 << 20):N0} MB for 1M series");
        Console.WriteLine($"  RocksDB:           {dataPerSeries:N0} bytes a state as stored (on disk) and in its changelog; RocksDB's own memory is per store, not per series (Streamiz: 50 MB block cache, up to 3 × 16 MB write buffers)");
    }

    /// <summary>What a backtest's in-memory store holds per series, and the evaluation rate.</summary>
    private static void Backtest(RuleBook book, int series, DateTimeOffset t0)
    {
        var engine = new AlertEngine(book);
        var tags = new Dictionary<string, string> { ["environment"] = "production" };
        var output = new List<AlertEvent>();
        var before = Heap();
        var ids = new string[series];
        for (var i = 0; i < series; i++) ids[i] = "db-" + i.ToString("D7");
        var store = new InMemorySeriesStateStore();
        var rng = new Random(1);
        var watch = Stopwatch.StartNew();
        long samples = 0;
        for (var k = 0; k < SamplesPerSeries; k++)
        {
            var at = t0.AddMinutes(k);
            for (var i = 0; i < series; i++)
            {
                engine.OnSample(new Metric { Timestamp = at, DatabaseType = DatabaseTypes.PostgreSql, InstanceId = ids[i], MetricName = Metric, Value = 100 + rng.Next(10), Tags = tags }, store, output);
                samples++;
            }
            output.Clear();
        }
        var elapsed = watch.Elapsed;
        var after = Heap();
        GC.KeepAlive(store);
        GC.KeepAlive(ids);

        long encoded = 0;
        var sampled = 0;
        foreach (var (_, state) in store.All().Take(1000))
        {
            encoded += SeriesStateCodec.Encode(state).Length;
            sampled++;
        }
        var perSeries = (after - before) / (double)Math.Max(store.Count, 1);
        Console.WriteLine($"backtest:            {store.Count:N0} live series of one default anomaly rule in the in-memory store, {SamplesPerSeries} samples each ({samples / elapsed.TotalSeconds:N0} samples/s evaluated)");
        Console.WriteLine($"  heap per series:   {perSeries:N0} bytes managed heap (state, instance id, set entry) → {perSeries * 1_000_000 / (1 << 20):N0} MB for 1M series");
        Console.WriteLine($"  encoded:           {encoded / (double)Math.Max(sampled, 1):N0} bytes a state (average of {sampled:N0})");
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>
    /// Stands in for the task's RocksDB store (what the evaluate stage is given): keys and encoded states in a
    /// dictionary, whose managed size is counted apart (<see cref="Bytes"/>) because RocksDB keeps them on disk.
    /// </summary>
    private sealed class StandInStore : IKeyValueStore<string, byte[]>
    {
        private readonly Dictionary<string, byte[]> _data = new(StringComparer.Ordinal);

        public int Count => _data.Count;
        public long ValueBytes { get; private set; }

        public string Name => "alert-state";
        public bool Persistent => true;
        public bool IsLocally => true;
        public bool IsOpen => true;
        public void Init(Streamiz.Kafka.Net.ProcessorContext context, IStateStore root) { }
        public void Flush() { }
        public void Close() { }

        public byte[] Get(string key) => _data.GetValueOrDefault(key)!;

        public void Put(string key, byte[] value)
        {
            if (_data.Remove(key, out var old)) ValueBytes -= old.Length;
            _data[key] = value;
            ValueBytes += value.Length;
        }

        public byte[] PutIfAbsent(string key, byte[] value)
        {
            if (_data.TryGetValue(key, out var known)) return known;
            Put(key, value);
            return null!;
        }

        public void PutAll(IEnumerable<KeyValuePair<string, byte[]>> entries)
        {
            foreach (var (k, v) in entries) Put(k, v);
        }

        public byte[] Delete(string key)
        {
            if (!_data.Remove(key, out var old)) return null!;
            ValueBytes -= old.Length;
            return old;
        }

        public IKeyValueEnumerator<string, byte[]> Range(string from, string to) => new Enumerator(Sorted(from, to));
        public IKeyValueEnumerator<string, byte[]> ReverseRange(string from, string to) => new Enumerator(Enumerable.Reverse(Sorted(from, to)).ToList());
        public IEnumerable<KeyValuePair<string, byte[]>> All() => Sorted("", null);
        public IEnumerable<KeyValuePair<string, byte[]>> ReverseAll() => Enumerable.Reverse(Sorted("", null));
        public long ApproximateNumEntries() => _data.Count;

        // Keys are ASCII here, so ordinal order is RocksDB's byte order; the bounds are inclusive, as RocksDB's range.
        private List<KeyValuePair<string, byte[]>> Sorted(string from, string? to) =>
            _data.Where(kv => string.CompareOrdinal(kv.Key, from) >= 0 && (to is null || string.CompareOrdinal(kv.Key, to) <= 0))
                .OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();

        private sealed class Enumerator(List<KeyValuePair<string, byte[]>> items) : IKeyValueEnumerator<string, byte[]>
        {
            private int _at = -1;
            public KeyValuePair<string, byte[]>? Current => _at >= 0 && _at < items.Count ? items[_at] : null;
            object? System.Collections.IEnumerator.Current => Current;
            public bool MoveNext() => ++_at < items.Count;
            public string PeekNextKey() => _at + 1 < items.Count ? items[_at + 1].Key : null!;
            public void Reset() => _at = -1;
            public void Dispose() { }
        }
    }
}
