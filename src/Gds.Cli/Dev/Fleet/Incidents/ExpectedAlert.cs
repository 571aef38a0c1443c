using Gds.Alerting.Rules;

namespace Gds.Cli.Dev.Fleet.Incidents;

/// <summary>An alert an incident must raise: a rule of the shipped packs, on one series (instance, metric, labels).</summary>
public sealed record ExpectedAlert(string RuleId, string InstanceId, string MetricName, IReadOnlyDictionary<string, string> Labels)
{
    public ExpectedAlert(string ruleId, string instanceId, string metricName) : this(ruleId, instanceId, metricName, SeriesLabels.None) { }

    /// <summary>The alert's identity, as its events and notifications carry it (the "Alert id").</summary>
    public string DedupKey => DedupKeys.For(RuleId, InstanceId, MetricName, Labels);

    /// <summary>The series in words: <c>orders@pg-prod-01</c>, or the instance alone.</summary>
    public string Series => SeriesLabels.Describe(InstanceId, Labels);

    public override string ToString() => $"{RuleId} on {Series}";
}
