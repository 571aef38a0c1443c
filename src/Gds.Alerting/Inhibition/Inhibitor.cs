namespace Gds.Alerting.Inhibition;

/// <summary>
/// One stream task's view of inhibition: which firing alerts are sources of which rule (indexed by their
/// <c>equal</c> label values, so a look-up is a dictionary hit per rule, not a scan), and which targets each source
/// currently inhibits, so that when a source resolves the targets it alone held back can be notified at once.
/// Not thread-safe: one per task, like the task's state. It is derived state, rebuilt from the task's hygiene
/// store (<see cref="Rebuild"/>) after a restart or when the rules change.
/// </summary>
public sealed class Inhibitor(InhibitRuleBook rules)
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _sources = new(StringComparer.Ordinal);
    // (rule index, equal key) → source dedup keys
    private readonly Dictionary<(int Rule, string Key), SortedSet<string>> _index = new();
    private readonly Dictionary<string, HashSet<string>> _targetsBySource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _sourcesByTarget = new(StringComparer.Ordinal);
    private CompiledInhibitRule[] _rules = [];

    /// <summary>The rule-book version this index was built for; -1 before the first build.</summary>
    public long RulesVersion { get; private set; } = -1;

    public bool IsCurrent => RulesVersion == rules.Version;

    public int SourceCount => _sources.Count;

    /// <summary>Re-indexes from the firing alerts of the task (and what each was last inhibited by).</summary>
    public void Rebuild(IEnumerable<(string DedupKey, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string>? InhibitedBy)> firing)
    {
        _sources.Clear();
        _index.Clear();
        _targetsBySource.Clear();
        _sourcesByTarget.Clear();
        RulesVersion = rules.Version;
        _rules = rules.Rules.ToArray();
        var list = firing.ToList();
        foreach (var (key, labels, _) in list) OnFiring(key, labels);
        foreach (var (key, _, by) in list)
            if (by is { Count: > 0 }) Track(key, by);
    }

    /// <summary>A firing alert (new episode or a repeat): indexed as a source if any rule's source side matches.</summary>
    /// <returns>True when it is a source of at least one rule.</returns>
    public bool OnFiring(string dedupKey, IReadOnlyDictionary<string, string> labels)
    {
        Unindex(dedupKey);
        var isSource = false;
        for (var i = 0; i < _rules.Length; i++)
        {
            var r = _rules[i];
            if (!r.Source.Matches(labels) || r.EqualKey(labels) is not { } k) continue;
            if (!_index.TryGetValue((i, k), out var set)) _index[(i, k)] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(dedupKey);
            isSource = true;
        }
        if (isSource) _sources[dedupKey] = labels;
        return isSource;
    }

    /// <summary>
    /// An alert resolved: it stops inhibiting, and stops being a target. Returns the targets it was inhibiting, in
    /// order; the caller re-evaluates them (<see cref="InhibitorsOf"/>) and notifies those no longer inhibited.
    /// </summary>
    public IReadOnlyList<string> OnResolved(string dedupKey)
    {
        Unindex(dedupKey);
        Track(dedupKey, []);
        if (!_targetsBySource.Remove(dedupKey, out var targets)) return [];
        return targets.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The firing sources that inhibit this alert now, as sorted dedup keys (its inhibited_by); empty when none.
    /// An alert never inhibits itself. The answer is remembered for <see cref="OnResolved"/>.
    /// </summary>
    public IReadOnlyList<string> InhibitorsOf(string dedupKey, IReadOnlyDictionary<string, string> labels)
    {
        SortedSet<string>? found = null;
        for (var i = 0; i < _rules.Length; i++)
        {
            var r = _rules[i];
            if (!r.Target.Matches(labels) || r.EqualKey(labels) is not { } k) continue;
            if (!_index.TryGetValue((i, k), out var sources)) continue;
            foreach (var s in sources)
                if (!string.Equals(s, dedupKey, StringComparison.Ordinal))
                    (found ??= new SortedSet<string>(StringComparer.Ordinal)).Add(s);
        }
        IReadOnlyList<string> result = found is null ? [] : found.ToList();
        Track(dedupKey, result);
        return result;
    }

    private void Track(string target, IReadOnlyList<string> sources)
    {
        if (_sourcesByTarget.Remove(target, out var old))
            foreach (var s in old)
                if (_targetsBySource.TryGetValue(s, out var t)) t.Remove(target);
        if (sources.Count == 0) return;
        _sourcesByTarget[target] = sources;
        foreach (var s in sources)
        {
            if (!_targetsBySource.TryGetValue(s, out var t)) _targetsBySource[s] = t = new HashSet<string>(StringComparer.Ordinal);
            t.Add(target);
        }
    }

    private void Unindex(string dedupKey)
    {
        if (!_sources.Remove(dedupKey, out var labels)) return;
        for (var i = 0; i < _rules.Length; i++)
        {
            var r = _rules[i];
            if (r.EqualKey(labels) is not { } k || !_index.TryGetValue((i, k), out var set)) continue;
            set.Remove(dedupKey);
            if (set.Count == 0) _index.Remove((i, k));
        }
    }
}
