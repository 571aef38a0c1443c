namespace Gds.Alerting.Matchers;

/// <summary>Matchers that must all match (a silence's or one side of an inhibition rule).</summary>
public sealed class MatcherSet
{
    public IReadOnlyList<LabelMatcher> Matchers { get; }

    public MatcherSet(IReadOnlyList<LabelMatcher> matchers) => Matchers = matchers;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var m in Matchers)
            if (!m.Matches(labels)) return false;
        return true;
    }

    /// <summary>Parses every text; all errors are collected so a person fixes them in one go.</summary>
    public static MatcherSet Parse(IEnumerable<string> texts, out IReadOnlyList<string> errors)
    {
        var list = new List<LabelMatcher>();
        var errs = new List<string>();
        foreach (var t in texts)
        {
            if (MatcherParser.TryParse(t, out var m, out var e)) list.Add(m!);
            else errs.Add(e!);
        }
        errors = errs;
        return new MatcherSet(list);
    }

    /// <summary>Parses every text or throws one <see cref="MatcherFormatException"/> listing all errors.</summary>
    public static MatcherSet Parse(IEnumerable<string> texts)
    {
        var set = Parse(texts, out var errors);
        if (errors.Count > 0) throw new MatcherFormatException(string.Join("; ", errors));
        return set;
    }

    public override string ToString() => string.Join(", ", Matchers);
}
