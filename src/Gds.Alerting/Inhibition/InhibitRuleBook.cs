namespace Gds.Alerting.Inhibition;

/// <summary>
/// The inhibition rules in force (from gds.inhibit_rules), shared by every stream thread: one writer, immutable
/// snapshots for readers, a version so each task's <see cref="Inhibitor"/> knows when to re-index.
/// </summary>
public sealed class InhibitRuleBook
{
    private volatile Snapshot _current = new([], 0);
    private readonly object _writeGate = new();

    public long Version => _current.Version;
    public IReadOnlyList<CompiledInhibitRule> Rules => _current.Rules;

    /// <returns>Validation errors; empty when the rule was taken. An invalid rule replaces (drops) its old version.</returns>
    public IReadOnlyList<(string Field, string Message)> Upsert(InhibitRule rule)
    {
        if (!CompiledInhibitRule.TryCompile(rule, out var compiled, out var errors))
        {
            Remove(rule.Name);
            return errors;
        }
        Write(list =>
        {
            list.RemoveAll(r => r.Name == rule.Name);
            list.Add(compiled!);
        });
        return [];
    }

    public void Remove(string name)
    {
        if (_current.Rules.All(r => r.Name != name)) return;
        Write(list => list.RemoveAll(r => r.Name == name));
    }

    /// <summary>Replaces every rule at once (tests, backtests, a rules file read directly).</summary>
    public void ReplaceAll(IEnumerable<InhibitRule> rules) =>
        Write(list =>
        {
            list.Clear();
            list.AddRange(rules.Select(CompiledInhibitRule.Compile));
        });

    private void Write(Action<List<CompiledInhibitRule>> change)
    {
        lock (_writeGate)
        {
            var list = _current.Rules.ToList();
            change(list);
            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            _current = new Snapshot(list.ToArray(), _current.Version + 1);
        }
    }

    private sealed record Snapshot(CompiledInhibitRule[] Rules, long Version);
}
