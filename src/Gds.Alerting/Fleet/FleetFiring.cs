using Gds.Alerting.Inhibition;

namespace Gds.Alerting.Fleet;

/// <summary>
/// The alerts firing now across the whole fleet, by dedup key and labels, and which of them are sources of each
/// inhibition rule (indexed by their <c>equal</c> label values, so a look-up is a dictionary hit per rule, not a
/// scan). In the topology it is fed by the global store of gds.alerts.firing (every task's alerts, whichever process
/// runs it) and, at once, by the tasks of this process for their own alerts; both writes are idempotent upserts and
/// removals by dedup key, so their order only delays, never changes, what it converges to.
/// <para>One per process, shared by every stream thread: a lock guards it. Writes are transitions (firing,
/// resolved), reads one per alert event and per firing alert and tick, so the lock is never hot.</para>
/// </summary>
public sealed class FleetFiring(InhibitRuleBook rules)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _firing = new(StringComparer.Ordinal);
    // (rule index, equal key) → source dedup keys, for the rule-book version in _indexedVersion
    private readonly Dictionary<(int Rule, string Key), SortedSet<string>> _sources = new();
    private CompiledInhibitRule[] _rules = [];
    private long _indexedVersion = -1;

    public int Count
    {
        get { lock (_gate) return _firing.Count; }
    }

    /// <summary>An alert fires (a new episode or a repeat; its labels may have changed): it is indexed as a source.</summary>
    public void Firing(string dedupKey, IReadOnlyDictionary<string, string> labels)
    {
        lock (_gate)
        {
            EnsureIndexed();
            Unindex(dedupKey);
            _firing[dedupKey] = labels;
            Index(dedupKey, labels);
        }
    }

    /// <summary>An alert resolved: it stops being a source.</summary>
    public void Resolved(string dedupKey)
    {
        lock (_gate)
        {
            EnsureIndexed();
            Unindex(dedupKey);
            _firing.Remove(dedupKey);
        }
    }

    public bool IsFiring(string dedupKey)
    {
        lock (_gate) return _firing.ContainsKey(dedupKey);
    }

    /// <summary>The firing sources that inhibit an alert with these labels now, as sorted dedup keys; never itself.</summary>
    public IReadOnlyList<string> InhibitorsOf(string dedupKey, IReadOnlyDictionary<string, string> labels)
    {
        lock (_gate)
        {
            EnsureIndexed();
            SortedSet<string>? found = null;
            for (var i = 0; i < _rules.Length; i++)
            {
                var r = _rules[i];
                if (!r.Target.Matches(labels) || r.EqualKey(labels) is not { } k) continue;
                if (!_sources.TryGetValue((i, k), out var sources)) continue;
                foreach (var s in sources)
                    if (!string.Equals(s, dedupKey, StringComparison.Ordinal))
                        (found ??= new SortedSet<string>(StringComparer.Ordinal)).Add(s);
            }
            return found is null ? [] : found.ToList();
        }
    }

    /// <summary>True when some alert firing anywhere in the fleet has labels that <paramref name="match"/> accepts.</summary>
    public bool AnyFiring(Func<IReadOnlyDictionary<string, string>, bool> match)
    {
        lock (_gate)
        {
            foreach (var labels in _firing.Values)
                if (match(labels)) return true;
            return false;
        }
    }

    private void EnsureIndexed()
    {
        if (_indexedVersion == rules.Version) return;
        _indexedVersion = rules.Version;
        _rules = rules.Rules.ToArray();
        _sources.Clear();
        foreach (var (key, labels) in _firing) Index(key, labels);
    }

    private void Index(string dedupKey, IReadOnlyDictionary<string, string> labels)
    {
        for (var i = 0; i < _rules.Length; i++)
        {
            var r = _rules[i];
            if (!r.Source.Matches(labels) || r.EqualKey(labels) is not { } k) continue;
            if (!_sources.TryGetValue((i, k), out var set)) _sources[(i, k)] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(dedupKey);
        }
    }

    private void Unindex(string dedupKey)
    {
        if (!_firing.TryGetValue(dedupKey, out var labels)) return;
        for (var i = 0; i < _rules.Length; i++)
        {
            var r = _rules[i];
            if (r.EqualKey(labels) is not { } k || !_sources.TryGetValue((i, k), out var set)) continue;
            set.Remove(dedupKey);
            if (set.Count == 0) _sources.Remove((i, k));
        }
    }
}
