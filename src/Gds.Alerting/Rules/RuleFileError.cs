namespace Gds.Alerting.Rules;

/// <summary>One problem in a rules file, pinned to where a person must look.</summary>
public sealed record RuleFileError(string File, int Line, int Column, string? RuleId, string Field, string Message)
{
    public override string ToString() =>
        $"{File}:{Line}:{Column}: " + (RuleId is null ? "" : $"rule '{RuleId}': ") + $"{Field}: {Message}";
}

public sealed record RuleFile(string Path, IReadOnlyList<Gds.Contracts.Rules.Rule> Rules, IReadOnlyList<RuleFileError> Errors)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The file's top-level <c>inhibit_rules:</c> (valid ones only; see <see cref="Errors"/>).</summary>
    public IReadOnlyList<Gds.Contracts.Rules.InhibitRule> InhibitRules { get; init; } = [];

    /// <summary>Per valid rule id, the line of each field it wrote ("selector.metric", "bad_metric", ...), for later checks.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> FieldLines { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, int>>();

    /// <summary>The line of a rule's field, else of the rule's first field, else 0.</summary>
    public int LineOf(string ruleId, string field) =>
        FieldLines.TryGetValue(ruleId, out var lines)
            ? lines.TryGetValue(field, out var line) ? line : lines.Count > 0 ? lines.Values.Min() : 0
            : 0;
}
