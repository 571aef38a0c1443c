namespace Gds.Alerting.State;

/// <summary>
/// Where series state lives: a RocksDB store with a changelog in the topology, a dictionary in backtests.
/// Keys are dedup keys; <see cref="Range"/> lists one rule's series by its "rule_id:" prefix.
/// </summary>
public interface ISeriesStateStore
{
    SeriesState? Get(string key);
    void Put(string key, SeriesState state);
    void Delete(string key);
    IEnumerable<KeyValuePair<string, SeriesState>> Range(string prefix);
    IEnumerable<KeyValuePair<string, SeriesState>> All();
}

/// <summary>
/// A dictionary: O(1) look-ups on the per-sample path (backtests push millions of samples through it); the scans
/// (<see cref="Range"/>, <see cref="All"/>) walk a snapshot of the keys in key order, like a RocksDB iterator, so
/// their callers may change the store while they walk it and get the same order on every run. The sorted keys are
/// kept until a key is added or removed: a backtest ticks every 30 s of event time over a set of series that
/// rarely changes, and sorting them all on every tick was most of what a tick cost.
/// </summary>
public sealed class InMemorySeriesStateStore : ISeriesStateStore
{
    private readonly Dictionary<string, SeriesState> _states = new(StringComparer.Ordinal);
    private string[]? _sortedKeys;

    public SeriesState? Get(string key) => _states.GetValueOrDefault(key);

    public void Put(string key, SeriesState state)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_states, key, out var existed);
        slot = state;
        if (!existed) _sortedKeys = null;
    }

    public void Delete(string key)
    {
        if (_states.Remove(key)) _sortedKeys = null;
    }

    public IEnumerable<KeyValuePair<string, SeriesState>> Range(string prefix) =>
        _states.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();

    public IEnumerable<KeyValuePair<string, SeriesState>> All()
    {
        var keys = SortedKeys();
        // The states as they were when the walk began, as a snapshot iterator would give them; a series removed
        // meanwhile is still given, one added meanwhile is not.
        var states = new SeriesState[keys.Length];
        for (var i = 0; i < keys.Length; i++) states[i] = _states[keys[i]];
        return Walk(keys, states);
    }

    private static IEnumerable<KeyValuePair<string, SeriesState>> Walk(string[] keys, SeriesState[] states)
    {
        for (var i = 0; i < keys.Length; i++) yield return new(keys[i], states[i]);
    }

    private string[] SortedKeys()
    {
        if (_sortedKeys is { } known) return known;
        var keys = new string[_states.Count];
        _states.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        return _sortedKeys = keys;
    }

    public int Count => _states.Count;
}
