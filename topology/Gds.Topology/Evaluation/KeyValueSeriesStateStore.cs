using Gds.Alerting.State;
using Streamiz.Kafka.Net.State;

namespace Gds.Topology.Evaluation;

/// <summary>
/// Series state over a Streamiz key-value store (RocksDB with a changelog). Decoded states are kept in a bounded
/// write-through cache: this task is the store's only writer, so the cache can never be stale, and a hot series
/// is not decoded on every sample.
/// </summary>
internal sealed class KeyValueSeriesStateStore(IKeyValueStore<string, byte[]> store, int cacheCapacity = 200_000) : ISeriesStateStore
{
    private readonly Dictionary<string, SeriesState> _cache = new(StringComparer.Ordinal);
    // Most series are idle and never stored: remembering that they are absent saves a RocksDB look-up each.
    private readonly HashSet<string> _absent = new(StringComparer.Ordinal);

    public SeriesState? Get(string key)
    {
        if (_cache.TryGetValue(key, out var cached)) return cached;
        if (_absent.Contains(key)) return null;
        var bytes = store.Get(key);
        if (bytes is null)
        {
            if (_absent.Count >= cacheCapacity) _absent.Clear();
            _absent.Add(key);
            return null;
        }
        var state = SeriesStateCodec.Decode(bytes);
        Remember(key, state);
        return state;
    }

    public void Put(string key, SeriesState state)
    {
        _absent.Remove(key);
        store.Put(key, SeriesStateCodec.Encode(state));
        Remember(key, state);
    }

    public void Delete(string key)
    {
        store.Delete(key);
        _cache.Remove(key);
        _absent.Add(key);
    }

    public IEnumerable<KeyValuePair<string, SeriesState>> Range(string prefix)
    {
        // Keys are UTF-8 and compare bytewise, so [prefix, prefix with its last char + 1) is exactly the prefix.
        var to = prefix[..^1] + (char)(prefix[^1] + 1);
        var list = new List<KeyValuePair<string, SeriesState>>();
        using (var it = store.Range(prefix, to))
            while (it.MoveNext())
                if (it.Current is { } kv && kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                    list.Add(new(kv.Key, Get(kv.Key)!));
        return list;
    }

    public IEnumerable<KeyValuePair<string, SeriesState>> All()
    {
        var list = new List<KeyValuePair<string, SeriesState>>();
        foreach (var kv in store.All())
            list.Add(new(kv.Key, _cache.TryGetValue(kv.Key, out var s) ? s : SeriesStateCodec.Decode(kv.Value)));
        return list;
    }

    private void Remember(string key, SeriesState state)
    {
        if (_cache.Count >= cacheCapacity && !_cache.ContainsKey(key)) _cache.Clear();
        _cache[key] = state;
    }
}
