using Gds.Alerting.Silences;

namespace Gds.Alerting.Hygiene;

/// <summary>
/// Where one stream task keeps hygiene state: a RocksDB store with a changelog in the topology, dictionaries in
/// tests and backtests. Episode states are keyed by dedup key; silence usage (auto-expiry bookkeeping) by silence
/// id, in a separate key space (a second store, or a prefix no dedup key can start with).
/// </summary>
public interface IHygieneStore
{
    HygieneState? Get(string dedupKey);
    void Put(string dedupKey, HygieneState state);
    void Delete(string dedupKey);
    IEnumerable<KeyValuePair<string, HygieneState>> All();

    SilenceUsage? GetSilenceUsage(string silenceId);
    void PutSilenceUsage(string silenceId, SilenceUsage usage);
    void DeleteSilenceUsage(string silenceId);
    IEnumerable<KeyValuePair<string, SilenceUsage>> AllSilenceUsage();
}

public sealed class InMemoryHygieneStore : IHygieneStore
{
    private readonly SortedDictionary<string, HygieneState> _states = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SilenceUsage> _usage = new(StringComparer.Ordinal);

    public int Count => _states.Count;

    // Round-trips through the codec so tests see exactly what a RocksDB store would give back.
    public HygieneState? Get(string dedupKey) => _states.TryGetValue(dedupKey, out var s) ? HygieneStateCodec.Decode(HygieneStateCodec.Encode(s)) : null;
    public void Put(string dedupKey, HygieneState state) => _states[dedupKey] = HygieneStateCodec.Decode(HygieneStateCodec.Encode(state));
    public void Delete(string dedupKey) => _states.Remove(dedupKey);
    public IEnumerable<KeyValuePair<string, HygieneState>> All() =>
        _states.Select(kv => KeyValuePair.Create(kv.Key, HygieneStateCodec.Decode(HygieneStateCodec.Encode(kv.Value)))).ToList();

    public SilenceUsage? GetSilenceUsage(string silenceId) => _usage.TryGetValue(silenceId, out var u) ? HygieneStateCodec.DecodeUsage(HygieneStateCodec.Encode(u)) : null;
    public void PutSilenceUsage(string silenceId, SilenceUsage usage) => _usage[silenceId] = HygieneStateCodec.DecodeUsage(HygieneStateCodec.Encode(usage));
    public void DeleteSilenceUsage(string silenceId) => _usage.Remove(silenceId);
    public IEnumerable<KeyValuePair<string, SilenceUsage>> AllSilenceUsage() => _usage.ToList();
}
