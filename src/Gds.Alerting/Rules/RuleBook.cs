using Gds.Contracts.Metrics;

namespace Gds.Alerting.Rules;

/// <summary>
/// The rules in force, indexed by metric name so a sample costs one dictionary look-up, not a scan. Updated from
/// the rules topic by one thread and read by many: readers see an immutable snapshot. Removed rules are
/// remembered with the version that removed them, so each evaluator can resolve their open alerts once.
/// </summary>
public sealed class RuleBook
{
    private volatile Snapshot _current = Snapshot.Empty;
    private readonly object _writeGate = new();

    public long Version => _current.Version;
    public int Count => _current.Rules.Count;
    public IReadOnlyCollection<CompiledRule> Rules => _current.Rules.Values;

    public bool TryGet(string ruleId, out CompiledRule rule) => _current.Rules.TryGetValue(ruleId, out rule!);

    public void Upsert(CompiledRule rule)
    {
        lock (_writeGate)
        {
            var s = _current;
            if (s.Rules.TryGetValue(rule.Id, out var old) && old.Version == rule.Version) return;
            var rules = new Dictionary<string, CompiledRule>(s.Rules) { [rule.Id] = rule };
            _current = Snapshot.Build(rules, s.Version + 1, s.Removals);
        }
    }

    public void Remove(string ruleId)
    {
        lock (_writeGate)
        {
            var s = _current;
            if (!s.Rules.ContainsKey(ruleId)) return;
            var rules = new Dictionary<string, CompiledRule>(s.Rules);
            rules.Remove(ruleId);
            var removals = new List<(long, CompiledRule)>(s.Removals) { (s.Version + 1, s.Rules[ruleId]) };
            _current = Snapshot.Build(rules, s.Version + 1, removals);
        }
    }

    /// <summary>Rules whose selector and input metrics match the sample.</summary>
    public void Match(Metric sample, List<CompiledRule> into)
    {
        var s = _current;
        if (s.ByMetric.TryGetValue(sample.MetricName, out var byName))
            foreach (var r in byName)
                if (r.Selector.Matches(sample)) into.Add(r);
        foreach (var r in s.AnyMetric)
            if (r.Selector.Matches(sample)) into.Add(r);
    }

    /// <summary>
    /// Rules removed after <paramref name="sinceVersion"/> and not added back since, as they were last defined,
    /// so the alerts they leave open resolve with their labels and routing.
    /// </summary>
    public IReadOnlyList<CompiledRule> RemovedSince(long sinceVersion)
    {
        var s = _current;
        var list = new List<CompiledRule>();
        foreach (var (v, rule) in s.Removals)
            if (v > sinceVersion && !s.Rules.ContainsKey(rule.Id) && list.All(r => r.Id != rule.Id)) list.Add(rule);
        return list;
    }

    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = Build(new Dictionary<string, CompiledRule>(), 0, Array.Empty<(long, CompiledRule)>());

        public required long Version { get; init; }
        public required Dictionary<string, CompiledRule> Rules { get; init; }
        public required Dictionary<string, CompiledRule[]> ByMetric { get; init; }
        public required CompiledRule[] AnyMetric { get; init; }
        public required IReadOnlyList<(long Version, CompiledRule Rule)> Removals { get; init; }

        public static Snapshot Build(Dictionary<string, CompiledRule> rules, long version, IReadOnlyList<(long, CompiledRule)> removals)
        {
            var byMetric = new Dictionary<string, List<CompiledRule>>(StringComparer.Ordinal);
            var any = new List<CompiledRule>();
            foreach (var r in rules.Values.OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                if (r.InputMetrics.Count == 0) { any.Add(r); continue; }
                foreach (var m in r.InputMetrics)
                {
                    if (!byMetric.TryGetValue(m, out var l)) byMetric[m] = l = [];
                    l.Add(r);
                }
            }
            // Keep the removal log short: a log entry matters only until every evaluator has caught up, and
            // evaluators check on every record and punctuation.
            var kept = removals.Count > 1000 ? removals.Skip(removals.Count - 1000).ToList() : removals;
            return new Snapshot
            {
                Version = version,
                Rules = rules,
                ByMetric = byMetric.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal),
                AnyMetric = any.ToArray(),
                Removals = kept,
            };
        }
    }
}
