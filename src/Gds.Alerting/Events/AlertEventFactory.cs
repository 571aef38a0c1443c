using Gds.Alerting.Lifecycle;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Events;

/// <summary>Turns a lifecycle transition into the AlertEvent published on gds.alerts.</summary>
public static class AlertEventFactory
{
    public static AlertEvent Create(CompiledRule rule, string dedupKey, SeriesState state, Transition t)
    {
        var r = rule.Rule;
        var status = t.Kind == TransitionKind.Resolved ? AlertStatus.Resolved : AlertStatus.Firing;
        var eventId = EventIds.For(dedupKey, status, t.ActiveAt, t.Kind == TransitionKind.Resolved ? 0 : t.Sequence);
        var severity = t.Severity ?? state.Lifecycle.Severity ?? r.Severity;
        var labels = Labels(rule, state, severity);
        var series = SeriesLabels.Describe(state.InstanceId, state.Labels);
        var values = new Dictionary<string, string>(labels, StringComparer.Ordinal)
        {
            ["value"] = Templates.Number(state.Lifecycle.LastValue),
            ["expected"] = state.Lifecycle.LastExpected ?? "",
            ["series"] = series,
            ["series_labels"] = SeriesLabels.Format(state.Labels),
        };
        var episode = t.EpisodeId ?? eventId;
        var summary = Templates.Render(r.Annotations.GetValueOrDefault("summary"), values)
                      ?? $"{r.Id}: {state.MetricName} is {values["value"]} (expected {values["expected"]}) on {series}";
        var description = Templates.Render(r.Annotations.GetValueOrDefault("description"), values);
        if (state.Lifecycle.LastDetail is { } detail) description = description is null ? detail : description + "\n" + detail;

        return new AlertEvent
        {
            EventId = eventId,
            Status = status,
            RuleId = r.Id,
            RuleKind = r.Kind,
            DedupKey = dedupKey,
            InstanceId = state.InstanceId,
            MetricName = state.MetricName,
            SeriesLabels = state.Labels is { Count: > 0 } l ? l : null,
            DatabaseType = state.DatabaseType,
            Environment = state.Environment,
            Severity = severity,
            Value = state.Lifecycle.LastValue,
            Expected = state.Lifecycle.LastExpected,
            Summary = summary,
            Description = description,
            RunbookUrl = Templates.Render(r.Annotations.GetValueOrDefault("runbook_url"), values),
            DashboardUrl = Templates.Render(r.Annotations.GetValueOrDefault("dashboard_url"), values),
            Labels = labels,
            RoutingKey = r.RoutingKey,
            GroupKey = GroupKey(rule, labels),
            CorrelationId = episode,
            StartsAt = t.ActiveAt,
            EndsAt = t.Kind == TransitionKind.Resolved ? t.At : null,
            EventTime = t.At,
            Sequence = t.Kind == TransitionKind.Repeated ? t.Sequence : 0,
        };
    }

    /// <summary>
    /// The instance's tags, then the series labels (more specific than a tag of the same name), then the series'
    /// identity, then the rule's labels (which win): what silences, inhibition and grouping match on.
    /// </summary>
    public static Dictionary<string, string> Labels(CompiledRule rule, SeriesState state, string severity)
    {
        var labels = state.Tags is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(state.Tags, StringComparer.Ordinal);
        if (state.Labels is { } own)
            foreach (var (k, v) in own) labels[k] = v;
        labels["rule_id"] = rule.Id;
        labels["instance_id"] = state.InstanceId;
        labels["metric_name"] = state.MetricName;
        if (state.DatabaseType is not null) labels["database_type"] = state.DatabaseType;
        if (state.Environment is not null) labels["environment"] = state.Environment;
        labels["severity"] = severity;
        foreach (var (k, v) in rule.Rule.Labels) labels[k] = v;
        return labels;
    }

    /// <summary>Default rule_id + environment; with group_by, the named labels in the order given (see <see cref="Grouping.GroupKeys"/>).</summary>
    public static string GroupKey(CompiledRule rule, IReadOnlyDictionary<string, string> labels) =>
        Grouping.GroupKeys.For(rule.Rule.GroupBy, labels);
}
