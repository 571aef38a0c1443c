using Gds.Contracts.Alerts;
using Gds.Contracts.Notifications;

namespace Gds.Notify.Payload;

/// <summary>Turns one alert event into gds_notification's request body; message_id is the event id, so retries and replays are idempotent.</summary>
public static class NotificationComposer
{
    public static NotificationRequest Compose(AlertEvent e, IReadOnlyList<AlertEvent>? heldBack = null)
    {
        var body = new StringBuilder(BodyText.For(e));
        if (heldBack is { Count: > 0 }) HeldBackSummary.Append(body, heldBack);
        return new NotificationRequest
        {
            AlertName = e.RuleId,
            DbInstanceId = e.InstanceId,
            Subject = AlertMessage.Subject(e),
            // One line ending everywhere, whatever the platform the sink runs on.
            BodyText = body.ToString().ReplaceLineEndings("\n"),
            MessageId = e.EventId,
            Severity = SeverityName.Normalize(e.Severity, e.EventId),
            RunbookUrl = string.IsNullOrWhiteSpace(e.RunbookUrl) ? null : e.RunbookUrl,
            Labels = AlertFields.Labels(e),
            RoutingKey = e.RoutingKey,
        };
    }
}
