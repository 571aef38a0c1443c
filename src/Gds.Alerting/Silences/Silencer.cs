using Gds.Contracts.Silences;

namespace Gds.Alerting.Silences;

/// <summary>
/// The silences in force, as the compacted gds.silences topic says: <see cref="Upsert"/> per record,
/// <see cref="Remove"/> per tombstone. Written by one thread (the topology's global-store processor) and read by
/// every stream thread: readers get an immutable snapshot, so one instance serves the whole process.
/// Answers which silences mute an alert's labels at a given time; it keeps no per-alert memory (that is
/// <see cref="Hygiene.HygieneState"/>, in the task's store).
/// </summary>
public sealed class Silencer
{
    private volatile Snapshot _current = new(new Dictionary<string, CompiledSilence>(StringComparer.Ordinal), 0);
    private readonly object _writeGate = new();

    public long Version => _current.Version;
    public int Count => _current.Silences.Count;
    public IReadOnlyCollection<CompiledSilence> All => _current.Ordered;

    public CompiledSilence? Get(string id) => _current.Silences.GetValueOrDefault(id);

    /// <summary>
    /// Adds or replaces a silence. An invalid record is refused and any older version with its id is dropped:
    /// the newest record is the truth, and a silence that cannot be read must not mute anything.
    /// </summary>
    /// <returns>The validation errors; empty when the silence was taken.</returns>
    public IReadOnlyList<string> Upsert(Silence silence)
    {
        if (!CompiledSilence.TryCompile(silence, out var compiled, out var errors))
        {
            Remove(silence.Id);
            return errors;
        }
        Write(d => d[silence.Id] = compiled!);
        return [];
    }

    public void Remove(string id)
    {
        if (!_current.Silences.ContainsKey(id)) return;
        Write(d => d.Remove(id));
    }

    /// <summary>Silences that mute these labels at <paramref name="at"/>, ordered by id.</summary>
    public IReadOnlyList<CompiledSilence> Muting(IReadOnlyDictionary<string, string> labels, DateTimeOffset at)
    {
        List<CompiledSilence>? hits = null;
        foreach (var s in _current.Ordered)
            if (s.Mutes(labels, at)) (hits ??= []).Add(s);
        return hits ?? (IReadOnlyList<CompiledSilence>)[];
    }

    private void Write(Action<Dictionary<string, CompiledSilence>> change)
    {
        lock (_writeGate)
        {
            var d = new Dictionary<string, CompiledSilence>(_current.Silences, StringComparer.Ordinal);
            change(d);
            _current = new Snapshot(d, _current.Version + 1);
        }
    }

    private sealed class Snapshot(Dictionary<string, CompiledSilence> silences, long version)
    {
        public Dictionary<string, CompiledSilence> Silences { get; } = silences;
        public long Version { get; } = version;
        public CompiledSilence[] Ordered { get; } = silences.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();
    }
}
