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

public sealed class InMemorySeriesStateStore : ISeriesStateStore
{
    private readonly SortedDictionary<string, SeriesState> _states = new(StringComparer.Ordinal);

    public SeriesState? Get(string key) => _states.GetValueOrDefault(key);
    public void Put(string key, SeriesState state) => _states[key] = state;
    public void Delete(string key) => _states.Remove(key);
    public IEnumerable<KeyValuePair<string, SeriesState>> Range(string prefix) =>
        _states.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    public IEnumerable<KeyValuePair<string, SeriesState>> All() => _states.ToList();
    public int Count => _states.Count;
}
