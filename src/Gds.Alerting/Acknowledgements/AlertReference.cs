namespace Gds.Alerting.Acknowledgements;

/// <summary>
/// What `gds ack ALERT_ID` names: the alert's dedup key <c>rule_id:instance_id:metric_name</c>. It is stable for the
/// whole episode (every re-notification and escalation carries it), readable in a notification, and it is the key
/// of the topology's state. Rule ids cannot contain ':' and metric names do not, so an instance id may (host:port):
/// the rule id ends at the first ':', the metric name starts after the last one.
/// </summary>
public sealed record AlertReference(string RuleId, string InstanceId, string MetricName)
{
    public string DedupKey => $"{RuleId}:{InstanceId}:{MetricName}";

    public static bool TryParse(string? text, out AlertReference? reference, out string? error)
    {
        reference = null;
        error = null;
        var t = text?.Trim() ?? "";
        var first = t.IndexOf(':');
        var last = t.LastIndexOf(':');
        if (first <= 0 || last == first || last == t.Length - 1 || last - first < 2)
        {
            error = $"'{text}' is not an alert id: expected the alert's dedup key rule_id:instance_id:metric_name (e.g. cpu-high:prod-db-01:cpu_usage_percent)";
            return false;
        }
        reference = new AlertReference(t[..first], t[(first + 1)..last], t[(last + 1)..]);
        return true;
    }
}
