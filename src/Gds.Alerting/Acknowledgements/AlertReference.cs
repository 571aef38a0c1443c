using Gds.Alerting.Rules;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Acknowledgements;

/// <summary>
/// What `gds ack ALERT_ID` names: the alert's dedup key <c>rule_id:instance_id:metric_name</c>, followed by the
/// series labels when the series has any (<c>pg-wraparound:pg-1:pg_database_wraparound_ratio{database="orders"}</c>,
/// see <see cref="DedupKeys"/>). It is stable for the whole episode (every re-notification and escalation carries
/// it), readable in a notification, and it is the key of the topology's state. Rule ids cannot contain ':' and
/// metric names do not, so an instance id may (host:port): the rule id ends at the first ':', the metric name
/// starts after the last ':' before the labels.
/// </summary>
public sealed record AlertReference(string RuleId, string InstanceId, string MetricName, IReadOnlyDictionary<string, string> Labels)
{
    public AlertReference(string ruleId, string instanceId, string metricName) : this(ruleId, instanceId, metricName, SeriesLabels.None) { }

    public string DedupKey => DedupKeys.For(RuleId, InstanceId, MetricName, Labels);

    public static bool TryParse(string? text, out AlertReference? reference, out string? error)
    {
        reference = null;
        error = null;
        var t = text?.Trim() ?? "";
        var labels = (IReadOnlyDictionary<string, string>)SeriesLabels.None;
        var head = t;
        if (t.EndsWith('}'))
        {
            // The labels start at the first '{' after the rule id whose tail reads as a label set (a value may itself
            // hold '{', ':' or '}').
            var found = false;
            for (var open = t.IndexOf('{', Math.Max(0, t.IndexOf(':'))); open > 0; open = t.IndexOf('{', open + 1))
            {
                if (!SeriesLabels.TryParse(t.AsSpan(open), out var parsed, out var labelError))
                {
                    error ??= labelError;
                    continue;
                }
                labels = parsed;
                head = t[..open];
                found = true;
                break;
            }
            if (!found)
            {
                error = $"'{text}' is not an alert id: its labels do not read ({error}); write them as in the alert's dedup_key, e.g. {{database=\"orders\"}}";
                return false;
            }
            error = null;
        }
        var first = head.IndexOf(':');
        var last = head.LastIndexOf(':');
        if (first <= 0 || last == first || last == head.Length - 1 || last - first < 2)
        {
            error = $"'{text}' is not an alert id: expected the alert's dedup key rule_id:instance_id:metric_name, with the series labels after it when it has any (e.g. cpu-high:prod-db-01:cpu_usage_percent or pg-wraparound:pg-1:pg_database_wraparound_ratio{{database=\"orders\"}})";
            return false;
        }
        reference = new AlertReference(head[..first], head[(first + 1)..last], head[(last + 1)..], labels);
        return true;
    }
}
