using Gds.Contracts.Metrics;

namespace Gds.Alerting.Rules;

/// <summary>
/// Decides whether a sample is in a rule's scope: database type, environment, instance glob, and tags, each of which
/// matches a series label of that name (database, mode, ...) or else an instance tag (region, team, ...).
/// </summary>
public sealed class SelectorMatcher
{
    private readonly string? _databaseType;
    private readonly string? _environment;
    private readonly Glob? _instance;
    private readonly KeyValuePair<string, string>[] _tags;

    public SelectorMatcher(RuleSelector selector)
    {
        _databaseType = Blank(selector.DatabaseType);
        _environment = Blank(selector.Environment);
        _instance = Blank(selector.Instance) is { } g && g != "*" ? new Glob(g) : null;
        _tags = selector.Tags?.ToArray() ?? [];
    }

    public bool Matches(Metric m) => Matches(m.DatabaseType, m.Environment, m.InstanceId, m.Tags, m.Labels);

    public bool Matches(string databaseType, string environment, string instanceId, IReadOnlyDictionary<string, string> tags) =>
        Matches(databaseType, environment, instanceId, tags, SeriesLabels.None);

    public bool Matches(string databaseType, string environment, string instanceId, IReadOnlyDictionary<string, string> tags, IReadOnlyDictionary<string, string> labels)
    {
        if (_databaseType is not null && !string.Equals(_databaseType, databaseType, StringComparison.Ordinal)) return false;
        if (_environment is not null && !string.Equals(_environment, environment, StringComparison.Ordinal)) return false;
        if (_instance is not null && !_instance.IsMatch(instanceId)) return false;
        foreach (var (k, v) in _tags)
            if (!(labels.TryGetValue(k, out var actual) || tags.TryGetValue(k, out actual)) || !string.Equals(actual, v, StringComparison.Ordinal))
                return false;
        return true;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary>Shell-style glob: '*' any run of characters, '?' exactly one.</summary>
public sealed class Glob(string pattern)
{
    public string Pattern { get; } = pattern;

    public bool IsMatch(string text) => Match(Pattern.AsSpan(), text.AsSpan());

    private static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> t)
    {
        int pi = 0, ti = 0, star = -1, mark = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && (p[pi] == '?' || p[pi] == t[ti])) { pi++; ti++; }
            else if (pi < p.Length && p[pi] == '*') { star = pi++; mark = ti; }
            else if (star >= 0) { pi = star + 1; ti = ++mark; }
            else return false;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }
}
