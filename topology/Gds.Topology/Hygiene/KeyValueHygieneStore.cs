using Gds.Alerting.Hygiene;
using Gds.Alerting.Silences;

namespace Gds.Topology.Hygiene;

/// <summary>
/// Hygiene state (acks, mutes, escalation steps) and silence usage over two RocksDB stores with changelogs.
/// The episodes are also kept decoded in memory: every punctuation walks all of them (escalation, silence ends),
/// and decoding each from JSON every second would cost an alert storm more than the storm itself. This task is
/// the store's only writer, so the copy never goes stale.
/// </summary>
internal sealed class KeyValueHygieneStore(IKeyValueStore<string, byte[]> episodes, IKeyValueStore<string, byte[]> usage) : IHygieneStore
{
    private SortedDictionary<string, HygieneState>? _episodes;

    // Read on first use: Streamiz initialises processors before it restores their stores from the changelog
    // (records and ticks reach the stages only once they are restored).
    private SortedDictionary<string, HygieneState> Episodes => _episodes ??= Load();

    public HygieneState? Get(string dedupKey) => Episodes.GetValueOrDefault(dedupKey);

    public void Put(string dedupKey, HygieneState state)
    {
        episodes.Put(dedupKey, HygieneStateCodec.Encode(state));
        Episodes[dedupKey] = state;
    }

    public void Delete(string dedupKey)
    {
        if (Episodes.Remove(dedupKey)) episodes.Delete(dedupKey);
    }

    public IEnumerable<KeyValuePair<string, HygieneState>> All() => Episodes.ToList();

    public SilenceUsage? GetSilenceUsage(string silenceId) => usage.Get(silenceId) is { } b ? HygieneStateCodec.DecodeUsage(b) : null;
    public void PutSilenceUsage(string silenceId, SilenceUsage u) => usage.Put(silenceId, HygieneStateCodec.Encode(u));
    public void DeleteSilenceUsage(string silenceId) => usage.Delete(silenceId);

    public IEnumerable<KeyValuePair<string, SilenceUsage>> AllSilenceUsage() =>
        usage.All().Select(kv => new KeyValuePair<string, SilenceUsage>(kv.Key, HygieneStateCodec.DecodeUsage(kv.Value))).ToList();

    private SortedDictionary<string, HygieneState> Load()
    {
        var all = new SortedDictionary<string, HygieneState>(StringComparer.Ordinal);
        foreach (var kv in episodes.All()) all[kv.Key] = HygieneStateCodec.Decode(kv.Value);
        return all;
    }
}
