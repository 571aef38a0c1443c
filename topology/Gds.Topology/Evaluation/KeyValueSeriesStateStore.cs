using Gds.Alerting.State;

namespace Gds.Topology.Evaluation;

/// <summary>
/// Series state over a Streamiz key-value store (RocksDB with a changelog). This task is the store's only writer,
/// so two things can be kept in memory without ever going stale: the set of keys the store holds, and a bounded
/// cache of decoded states. The key set answers the look-ups of idle series (never stored, and most samples by
/// far) without a RocksDB read; the cache spares a hot series a decode on every sample.
/// </summary>
internal sealed class KeyValueSeriesStateStore(IKeyValueStore<string, byte[]> store, int cacheCapacity = 200_000) : ISeriesStateStore
{
    private readonly Dictionary<string, SeriesState> _cache = new(StringComparer.Ordinal);
    private HashSet<string>? _keys;

    // Read on first use, not at construction: Streamiz initialises processors before it restores their stores
    // from the changelog. Records come only once a task is restored, and the evaluate stage holds its ticks until then
    // (RestorationTracker).
    private HashSet<string> Keys => _keys ??= LoadKeys();

    public SeriesState? Get(string key)
    {
        if (_cache.TryGetValue(key, out var cached)) return cached;
        if (!Keys.Contains(key)) return null;
        var bytes = store.Get(key);
        if (bytes is null)
        {
            _keys!.Remove(key);
            return null;
        }
        var state = SeriesStateCodec.Decode(bytes);
        Remember(key, state);
        return state;
    }

    public void Put(string key, SeriesState state)
    {
        Keys.Add(key);
        store.Put(key, SeriesStateCodec.Encode(state));
        Remember(key, state);
    }

    public void Delete(string key)
    {
        _cache.Remove(key);
        if (Keys.Remove(key)) store.Delete(key);
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

    private HashSet<string> LoadKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kv in store.All()) keys.Add(kv.Key);
        return keys;
    }

    private void Remember(string key, SeriesState state)
    {
        if (_cache.Count >= cacheCapacity && !_cache.ContainsKey(key)) _cache.Clear();
        _cache[key] = state;
    }
}
