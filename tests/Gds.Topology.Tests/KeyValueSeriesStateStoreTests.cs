using Gds.Alerting.State;
using Gds.Topology.Evaluation;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.State.Enumerator;

namespace Gds.Topology.Tests;

/// <summary>
/// The evaluate stage's state store keeps hashes of its keys and a small cache of decoded states: what it gives back
/// must be what the store holds, whether a state is cached, evicted, or written by an engine that stopped.
/// </summary>
public class KeyValueSeriesStateStoreTests
{
    private static SeriesState State(string rule, string instance, double value) => new()
    {
        RuleId = rule,
        InstanceId = instance,
        MetricName = "m",
        Tags = new Dictionary<string, string> { ["environment"] = "production" },
        Lifecycle = new LifecycleState { LastValue = value },
    };

    [Fact]
    public void States_beyond_the_cache_and_after_a_restart_are_read_back_from_the_store()
    {
        var data = new FakeStore();
        var store = new KeyValueSeriesStateStore(data, cacheCapacity: 2);
        for (var i = 0; i < 10; i++) store.Put($"r:db-{i}:m", State("r", $"db-{i}", i));
        Assert.Equal(3.0, store.Get("r:db-3:m")!.Lifecycle.LastValue);
        Assert.Null(store.Get("r:db-99:m"));

        var restarted = new KeyValueSeriesStateStore(data, cacheCapacity: 2);
        Assert.Equal(7.0, restarted.Get("r:db-7:m")!.Lifecycle.LastValue);
        restarted.Delete("r:db-7:m");
        Assert.Null(restarted.Get("r:db-7:m"));
        Assert.Null(data.Get("r:db-7:m"));
        // Decoded states share their strings and tag maps.
        Assert.Same(restarted.Get("r:db-1:m")!.Tags, restarted.Get("r:db-2:m")!.Tags);
    }

    [Fact]
    public void Scans_walk_in_key_order_and_the_caller_may_change_the_store_meanwhile()
    {
        var store = new KeyValueSeriesStateStore(new FakeStore(), cacheCapacity: 1);
        foreach (var k in new[] { "b:x:m", "a:y:m", "a:x:m", "c:x:m" }) store.Put(k, State(k[..1], k[2..3], 1));

        var walked = new List<string>();
        foreach (var (key, state) in store.All())
        {
            walked.Add(key);
            // A series deleted ahead of the walk is still given (the snapshot's), as RocksDB gives it; it stays deleted.
            if (key == "a:y:m") store.Delete("b:x:m");
            if (key == "b:x:m") continue;
            state.Lifecycle.LastValue = 2;
            store.Put(key, state);
        }
        Assert.Equal(["a:x:m", "a:y:m", "b:x:m", "c:x:m"], walked);
        Assert.Equal(["a:x:m", "a:y:m"], store.Range("a:").Select(kv => kv.Key));
        Assert.All(store.All(), kv => Assert.Equal(2.0, kv.Value.Lifecycle.LastValue));
        Assert.Equal(["a:x:m", "a:y:m", "c:x:m"], store.All().Select(kv => kv.Key));
    }

    /// <summary>A sorted map standing in for RocksDB: ranges are inclusive and read a snapshot, as RocksDB's iterators.</summary>
    private sealed class FakeStore : IKeyValueStore<string, byte[]>
    {
        private readonly SortedDictionary<string, byte[]> _data = new(StringComparer.Ordinal);

        public string Name => "alert-state";
        public bool Persistent => true;
        public bool IsLocally => true;
        public bool IsOpen => true;
        public void Init(Streamiz.Kafka.Net.ProcessorContext context, IStateStore root) { }
        public void Flush() { }
        public void Close() { }
        public byte[] Get(string key) => _data.GetValueOrDefault(key)!;
        public void Put(string key, byte[] value) => _data[key] = value;
        public byte[] PutIfAbsent(string key, byte[] value) => _data.TryAdd(key, value) ? null! : _data[key];
        public void PutAll(IEnumerable<KeyValuePair<string, byte[]>> entries) { foreach (var (k, v) in entries) _data[k] = v; }
        public byte[] Delete(string key) => _data.Remove(key, out var old) ? old : null!;
        public IKeyValueEnumerator<string, byte[]> Range(string from, string to) =>
            new Snapshot(_data.Where(kv => string.CompareOrdinal(kv.Key, from) >= 0 && string.CompareOrdinal(kv.Key, to) <= 0).ToList());
        public IKeyValueEnumerator<string, byte[]> ReverseRange(string from, string to) => throw new NotSupportedException();
        // Streamiz's own All() copies the whole store: the state store must not need it.
        public IEnumerable<KeyValuePair<string, byte[]>> All() => throw new NotSupportedException("All() materialises every state");
        public IEnumerable<KeyValuePair<string, byte[]>> ReverseAll() => throw new NotSupportedException();
        public long ApproximateNumEntries() => _data.Count;

        private sealed class Snapshot(List<KeyValuePair<string, byte[]>> items) : IKeyValueEnumerator<string, byte[]>
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
