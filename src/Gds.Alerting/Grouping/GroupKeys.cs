namespace Gds.Alerting.Grouping;

/// <summary>
/// The group key on every alert event: which alerts the sink may batch into one notification. Default
/// <c>rule_id</c> + <c>environment</c> (one rule misbehaving across a whole environment is one page, not fifty);
/// a rule's <c>group_by</c> names other labels, in its order; <c>['...']</c> groups by every label (no batching).
/// Text, not a hash, so a person reading a notification sees why alerts were batched.
/// </summary>
public static class GroupKeys
{
    public static readonly IReadOnlyList<string> Default = ["rule_id", "environment"];

    /// <summary>The special group_by entry meaning "every label", as in Alertmanager.</summary>
    public const string AllLabels = "...";

    public static string For(IReadOnlyList<string>? groupBy, IReadOnlyDictionary<string, string> labels)
    {
        if (groupBy is { Count: > 0 } g && g.Contains(AllLabels))
            return string.Join(",", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        var by = groupBy is { Count: > 0 } ? groupBy : Default;
        return string.Join(",", by.Select(k => $"{k}={labels.GetValueOrDefault(k, "")}"));
    }
}
