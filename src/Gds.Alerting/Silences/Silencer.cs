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

    /// <summary>
    /// Ends a silence here and now, before the expiry record published for it comes back from the topic
    /// (auto-expiry, <see cref="SilenceExpiry"/>). No effect when it already ended earlier.
    /// </summary>
    public bool Expire(string id, DateTimeOffset at)
    {
        if (Get(id) is not { } s || s.EndsAt is { } e && e <= at) return false;
        var ended = SilenceExpiry.Ended(s.Silence, at);
        Write(d => d[id] = CompiledSilence.Compile(ended));
        return true;
    }

    /// <summary>Silences that mute these labels at <paramref name="at"/>, ordered by id.</summary>
    public IReadOnlyList<CompiledSilence> Muting(IReadOnlyDictionary<string, string> labels, DateTimeOffset at)
    {
        List<CompiledSilence>? hits = null;
        foreach (var s in _current.Ordered)
            if (s.Mutes(labels, at)) (hits ??= []).Add(s);
        return hits ?? (IReadOnlyList<CompiledSilence>)[];
    }

    public IReadOnlyList<string> MutedBy(IReadOnlyDictionary<string, string> labels, DateTimeOffset at) =>
        Muting(labels, at).Select(s => s.Id).ToList();

    /// <summary>
    /// Of the given firing alerts, those that were silenced (by their last recorded silenced_by) and are muted by
    /// no silence at <paramref name="now"/>: their silence just ended, so they must be notified at once rather
    /// than at the next repeat (Alertmanager #2896). <see cref="Hygiene.HygieneEngine.OnTick"/> does this for
    /// the topology; this is the same rule for callers that keep their own view of firing alerts.
    /// </summary>
    public IReadOnlyList<FiringAlert> Released(DateTimeOffset now, IEnumerable<FiringAlert> firing) =>
        firing.Where(a => a.SilencedBy is { Count: > 0 } && Muting(a.Labels, now).Count == 0).ToList();

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

/// <summary>A firing alert as the silencer needs to see it: identity, labels, and what silenced it last time.</summary>
public sealed record FiringAlert(string DedupKey, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string>? SilencedBy);
