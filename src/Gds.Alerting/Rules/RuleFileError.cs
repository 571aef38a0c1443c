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
}
