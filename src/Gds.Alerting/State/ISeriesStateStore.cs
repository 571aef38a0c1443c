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
/// (<see cref="Range"/>, <see cref="All"/>) return snapshots in key order, like a RocksDB iterator, so their
/// callers may change the store while they walk it and get the same order on every run.
/// </summary>
public sealed class InMemorySeriesStateStore : ISeriesStateStore
{
    private readonly Dictionary<string, SeriesState> _states = new(StringComparer.Ordinal);

    public SeriesState? Get(string key) => _states.GetValueOrDefault(key);
    public void Put(string key, SeriesState state) => _states[key] = state;
    public void Delete(string key) => _states.Remove(key);
    public IEnumerable<KeyValuePair<string, SeriesState>> Range(string prefix) =>
        _states.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
    public IEnumerable<KeyValuePair<string, SeriesState>> All() => _states.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
    public int Count => _states.Count;
}
