namespace Gds.Contracts.Rules;

/// <summary>
/// An inhibition rule, from the rules file's top-level <c>inhibit_rules:</c> and on gds.inhibit_rules
/// (key = Name; a tombstone deletes it). While an alert matching <see cref="SourceMatchers"/> fires, alerts
/// matching <see cref="TargetMatchers"/> whose <see cref="Equal"/> labels all carry the same values are recorded
/// as inhibited and not notified. A label of <see cref="Equal"/> that is missing (or empty) on either side makes
/// the rule not apply to that pair: unlike Alertmanager, "missing on both sides" is never "equal".
/// </summary>
public sealed record InhibitRule
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    /// <summary>Label matchers such as <c>metric_name=gds_collector_up</c>; all must match.</summary>
    [JsonPropertyName("source_matchers")] public required IReadOnlyList<string> SourceMatchers { get; init; }
    [JsonPropertyName("target_matchers")] public required IReadOnlyList<string> TargetMatchers { get; init; }
    [JsonPropertyName("equal")] public IReadOnlyList<string> Equal { get; init; } = [];
    [JsonPropertyName("description")] public string? Description { get; init; }
}
