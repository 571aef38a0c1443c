using System.Security.Cryptography;
using Gds.Contracts.Alerts;
using Gds.Contracts.Notifications;
using Gds.Contracts.Rules;
using Gds.Notify.Payload;

namespace Gds.Notify.Grouping;

/// <summary>
/// One notification listing every alert of a group flush. Its message_id is derived from the event ids it
/// covers, so the same events grouped the same way after a restart give the same id.
/// </summary>
public static class GroupComposer
{
    public static NotificationRequest Compose(string groupKey, string route, IReadOnlyList<AlertNotice> notices)
    {
        if (notices.Count == 1) return NotificationComposer.Compose(notices[0].Record.Alert!, notices[0].HeldBack.Select(h => h.Alert!).ToList());
        var alerts = notices.Select(n => n.Record.Alert!).ToList();
        var first = alerts[0];
        var prefix = alerts.Any(a => a.Status is AlertStatus.Firing or AlertStatus.Escalated) ? "Alert: "
            : alerts.All(a => a.Status == AlertStatus.Acknowledged) ? "Acknowledged: " : "Resolved: ";
        var body = new StringBuilder();
        body.Append(alerts.Count).Append(" alerts in group ").Append(groupKey).Append(" (route ").Append(route).AppendLine(")");
        foreach (var n in notices)
        {
            body.AppendLine().AppendLine("---");
            BodyText.Append(body, n.Record.Alert!);
            if (n.HeldBack.Count > 0) HeldBackSummary.Append(body, n.HeldBack.Select(h => h.Alert!).ToList());
        }
        return new NotificationRequest
        {
            AlertName = Common(alerts.Select(a => a.RuleId)),
            DbInstanceId = Common(alerts.Select(a => a.InstanceId)),
            Subject = prefix + AlertMessage.FirstCharacters($"[{alerts.Count}] {AlertMessage.Of(first)}", AlertMessage.SubjectMessageLength),
            BodyText = body.ToString().TrimEnd().ReplaceLineEndings("\n"),
            MessageId = MessageId(alerts),
            Severity = alerts.Select(a => SeverityName.Normalize(a.Severity, a.EventId)).MaxBy(Severities.Rank)!,
            RunbookUrl = alerts.Select(a => a.RunbookUrl).Distinct().Count() == 1 ? first.RunbookUrl : null,
            Labels = CommonLabels(alerts),
            RoutingKey = first.RoutingKey,
        };
    }

    /// <summary>"grp-" and a SHA-256 prefix of the sorted event ids.</summary>
    public static string MessageId(IEnumerable<AlertEvent> alerts)
    {
        var ids = string.Join('\n', alerts.Select(a => a.EventId).Order(StringComparer.Ordinal));
        return "grp-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids)))[..32];
    }

    private static string Common(IEnumerable<string> values)
    {
        // Sorted, so the same events give the same text whatever order their partitions delivered them in.
        var distinct = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : string.Join(",", distinct);
    }

    private static Dictionary<string, string> CommonLabels(IReadOnlyList<AlertEvent> alerts)
    {
        var common = new Dictionary<string, string>(AlertFields.Labels(alerts[0]), StringComparer.Ordinal);
        foreach (var a in alerts.Skip(1))
            foreach (var (k, v) in common.ToList())
                if (!AlertFields.Labels(a).TryGetValue(k, out var other) || other != v) common.Remove(k);
        return common;
    }
}
