using Gds.Alerting.Hygiene;
using Gds.Alerting.Silences;
using Streamiz.Kafka.Net.State;

namespace Gds.Topology.Hygiene;

/// <summary>Hygiene state (acks, mutes, escalation steps) and silence usage over two RocksDB stores with changelogs.</summary>
internal sealed class KeyValueHygieneStore(IKeyValueStore<string, byte[]> episodes, IKeyValueStore<string, byte[]> usage) : IHygieneStore
{
    public HygieneState? Get(string dedupKey) => episodes.Get(dedupKey) is { } b ? HygieneStateCodec.Decode(b) : null;
    public void Put(string dedupKey, HygieneState state) => episodes.Put(dedupKey, HygieneStateCodec.Encode(state));
    public void Delete(string dedupKey) => episodes.Delete(dedupKey);

    public IEnumerable<KeyValuePair<string, HygieneState>> All() =>
        episodes.All().Select(kv => new KeyValuePair<string, HygieneState>(kv.Key, HygieneStateCodec.Decode(kv.Value))).ToList();

    public SilenceUsage? GetSilenceUsage(string silenceId) => usage.Get(silenceId) is { } b ? HygieneStateCodec.DecodeUsage(b) : null;
    public void PutSilenceUsage(string silenceId, SilenceUsage u) => usage.Put(silenceId, HygieneStateCodec.Encode(u));
    public void DeleteSilenceUsage(string silenceId) => usage.Delete(silenceId);

    public IEnumerable<KeyValuePair<string, SilenceUsage>> AllSilenceUsage() =>
        usage.All().Select(kv => new KeyValuePair<string, SilenceUsage>(kv.Key, HygieneStateCodec.DecodeUsage(kv.Value))).ToList();
}
