using Gds.Contracts.Alerts;

namespace Gds.Notify.Payload;

/// <summary>
/// Checks the fields a notification cannot do without. JSON can leave a "required" field null ("rule_id": null)
/// and omit labels altogether; such an event is dead-lettered with a message naming the field, never a crash.
/// </summary>
public static class AlertFields
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public static IReadOnlyDictionary<string, string> Labels(AlertEvent e) => e.Labels ?? NoLabels;

    /// <summary>The alert's dedup key, rebuilt from its parts when the event lacks it.</summary>
    public static string DedupKey(AlertEvent e) =>
        string.IsNullOrEmpty(e.DedupKey) ? $"{e.RuleId}:{e.InstanceId}:{e.MetricName}" : e.DedupKey;

    /// <summary>Throws <see cref="PayloadException"/> naming the first missing field.</summary>
    public static void Validate(AlertEvent e)
    {
        var id = string.IsNullOrWhiteSpace(e.EventId) ? "(no event_id)" : e.EventId;
        Require(e.EventId, "event_id", id);
        Require(e.Status, "status", id);
        Require(e.RuleId, "rule_id", id);
        Require(e.InstanceId, "instance_id", id);
        Require(e.Severity, "severity", id);
        AlertMessage.SubjectPrefix(e);
        SeverityName.Normalize(e.Severity, e.EventId);
    }

    private static void Require(string? value, string field, string eventId)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new PayloadException($"event {eventId}: {field} is missing or empty");
    }
}
