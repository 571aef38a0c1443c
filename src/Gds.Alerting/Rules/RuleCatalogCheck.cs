using Gds.Contracts.Metrics.Catalog;

namespace Gds.Alerting.Rules;

/// <summary>Something in a valid rules file that is probably a mistake, pinned to its line; it does not make the file invalid.</summary>
public sealed record RuleFileWarning(string File, int Line, string RuleId, string Field, string Message)
{
    public override string ToString() => $"{File}:{Line}: rule '{RuleId}': {Field}: {Message}";
}

/// <summary>
/// Checks the metric names rules select against the metric catalogue: a name no collector emits is most often a typo
/// (the rule would then wait forever for samples that never come), and a selector whose database_type is not the
/// metric's can never match. Both are warnings: a custom producer may publish metrics the catalogue does not know.
/// </summary>
public static class RuleCatalogCheck
{
    public static IReadOnlyList<RuleFileWarning> Check(RuleFile file)
    {
        var warnings = new List<RuleFileWarning>();
        foreach (var rule in file.Rules)
        {
            Metric(file, rule, "selector.metric", rule.Selector.Metric, warnings);
            Metric(file, rule, "bad_metric", rule.BadMetric, warnings);
            Metric(file, rule, "total_metric", rule.TotalMetric, warnings);
            Metric(file, rule, "per", rule.Per, warnings);
        }
        return warnings.OrderBy(w => w.Line).ToList();
    }

    private static void Metric(RuleFile file, Rule rule, string field, string? name, List<RuleFileWarning> warnings)
    {
        if (string.IsNullOrWhiteSpace(name)) return;
        if (!MetricCatalog.TryGet(name, out var metric))
        {
            var hint = MetricCatalog.Closest(name) is { } near ? $" (did you mean '{near}'?)" : "";
            warnings.Add(new RuleFileWarning(file.Path, file.LineOf(rule.Id, field), rule.Id, field,
                $"'{name}' is not a metric any collector emits{hint}; a custom metric is fine if your own producer publishes it"));
            return;
        }
        var type = rule.Selector.DatabaseType;
        if (type is not null && metric.DatabaseType != MetricDefinition.AnyDatabase && metric.DatabaseType != type)
            warnings.Add(new RuleFileWarning(file.Path, file.LineOf(rule.Id, "selector.database_type"), rule.Id, "selector.database_type",
                $"'{type}', but {field} '{name}' is a {metric.DatabaseType} metric: the rule can never match it"));
    }
}
