using System.IO.Hashing;
using System.Runtime.InteropServices;
using Gds.Alerting.State;

namespace Gds.Topology.Evaluation;

/// <summary>
/// Series state over a Streamiz key-value store (RocksDB with a changelog). This task is the store's only writer,
/// so two things can be kept in memory without ever going stale: which keys the store holds, and a bounded cache of
/// decoded states. The key index answers the look-ups of idle series (never stored, and most samples by far) without
/// a RocksDB read; the cache spares a hot series a decode on every sample.
/// <para>What this costs per series is what `gds bench streams --anomaly-series N` reports for `gds streams`: the
/// index holds a 64-bit hash of each key (about 20 bytes a series, not the key itself: a key string with its set
/// entry was about 130), and the cache holds at most <see cref="DefaultCacheCapacity"/> decoded states, whose
/// strings and tag maps are shared between states instead of each holding its own copies.</para>
/// <para>The scans (<see cref="All"/>, <see cref="Range"/>) walk a RocksDB iterator and decode one state at a time:
/// a tick over a million series holds one of them, not all of them. (Streamiz's own All() would copy every value of
/// the store into a list first, so the whole key space is walked as a range.)</para>
/// </summary>
public sealed class KeyValueSeriesStateStore(IKeyValueStore<string, byte[]> store, int cacheCapacity = KeyValueSeriesStateStore.DefaultCacheCapacity) : ISeriesStateStore
{
    public const int DefaultCacheCapacity = 200_000;

    /// <summary>Above every key the engine writes (rule ids are ASCII, keys UTF-8): the end of a walk over all of them.</summary>
    private const string AfterEveryKey = "\U0010FFFF\U0010FFFF";

    private readonly Dictionary<string, SeriesState> _cache = new(StringComparer.Ordinal);
    private readonly SharedValues _shared = new();
    private HashSet<ulong>? _keys;

    // Read on first use, not at construction: Streamiz initialises processors before it restores their stores
    // from the changelog. Records come only once a task is restored, and the evaluate stage holds its ticks until then
    // (RestorationTracker).
    private HashSet<ulong> Keys => _keys ??= LoadKeys();

    public int CachedStates => _cache.Count;

    public SeriesState? Get(string key)
    {
        if (_cache.TryGetValue(key, out var cached)) return cached;
        if (!Keys.Contains(Hash(key))) return null;
        // A hash shared with another key costs this read, never a wrong state.
        if (store.Get(key) is not { } bytes) return null;
        var state = Decode(bytes);
        Remember(key, state);
        return state;
    }

    public void Put(string key, SeriesState state)
    {
        Keys.Add(Hash(key));
        store.Put(key, SeriesStateCodec.Encode(state));
        Remember(key, state);
    }

    public void Delete(string key)
    {
        _cache.Remove(key);
        // Two live keys sharing a 64-bit hash (about one chance in 10^7 for a million keys) would make the other one
        // look absent after this: it would start afresh, as after a rule change. Keeping the keys themselves to rule
        // that out would cost six times the memory.
        if (Keys.Remove(Hash(key))) store.Delete(key);
    }

    public IEnumerable<KeyValuePair<string, SeriesState>> Range(string prefix)
    {
        // Keys are UTF-8 and compare bytewise, so [prefix, prefix with its last char + 1) is exactly the prefix.
        var to = prefix[..^1] + (char)(prefix[^1] + 1);
        return Walk(prefix, to, prefix);
    }

    public IEnumerable<KeyValuePair<string, SeriesState>> All() => Walk("", AfterEveryKey, null);

    private IEnumerable<KeyValuePair<string, SeriesState>> Walk(string from, string to, string? prefix)
    {
        // A RocksDB iterator reads a snapshot: the caller may put and delete while it walks, as it does on a tick.
        using var it = store.Range(from, to);
        while (it.MoveNext())
        {
            if (it.Current is not { } kv || (prefix is not null && !kv.Key.StartsWith(prefix, StringComparison.Ordinal))) continue;
            yield return new(kv.Key, _cache.TryGetValue(kv.Key, out var s) ? s : Decode(kv.Value));
        }
    }

    private SeriesState Decode(byte[] bytes) => _shared.Share(SeriesStateCodec.Decode(bytes));

    private HashSet<ulong> LoadKeys()
    {
        var keys = new HashSet<ulong>();
        using var it = store.Range("", AfterEveryKey);
        while (it.MoveNext())
            if (it.Current is { } kv) keys.Add(Hash(kv.Key));
        return keys;
    }

    private static ulong Hash(string key) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan()));

    private void Remember(string key, SeriesState state)
    {
        if (_cache.Count >= cacheCapacity && !_cache.ContainsKey(key)) _cache.Clear();
        _cache[key] = state;
    }

    /// <summary>
    /// The strings and tag maps that repeat across decoded states (rule ids and versions, database types,
    /// environments, metric names, instances and their tags), one instance each: a decoded state would otherwise
    /// hold its own copies, about half its size. Bounded like the cache: when full it starts over.
    /// </summary>
    private sealed class SharedValues
    {
        private const int Capacity = 100_000;
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Dictionary<string, string>> _tags = new(StringComparer.Ordinal);

        public SeriesState Share(SeriesState s)
        {
            s.RuleId = String(s.RuleId);
            s.InstanceId = String(s.InstanceId);
            s.MetricName = String(s.MetricName);
            s.RuleVersion = String(s.RuleVersion);
            if (s.DatabaseType is { } d) s.DatabaseType = String(d);
            if (s.Environment is { } e) s.Environment = String(e);
            if (s.Tags is { } t) s.Tags = Tags(t);
            return s;
        }

        private string String(string value)
        {
            if (_strings.TryGetValue(value, out var known)) return known;
            if (_strings.Count >= Capacity) _strings.Clear();
            _strings[value] = value;
            return value;
        }

        private Dictionary<string, string> Tags(Dictionary<string, string> tags)
        {
            // Tags are the instance's and change rarely; the engine replaces a state's map, never edits it.
            var text = string.Join('\u0001', tags.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "\u0002" + kv.Value));
            if (_tags.TryGetValue(text, out var known)) return known;
            if (_tags.Count >= Capacity) _tags.Clear();
            return _tags[text] = tags;
        }
    }
}
