using Gds.Contracts.Notifications;
using Gds.Notify.Payload;

namespace Gds.Notify.Delivery;

/// <summary>
/// One POST to the service and the records it stands for: one event, or one event carrying a held-back summary, or
/// a group. All of them finish together when it is delivered or dead-lettered.
/// </summary>
public sealed class Notification(NotificationRequest request, string route, IReadOnlyList<AlertRecord> records)
{
    private int _emailed;

    public NotificationRequest Request { get; } = request;
    public string Route { get; } = route;
    public IReadOnlyList<AlertRecord> Records { get; } = records;
    public bool IsCritical => SeverityName.IsCritical(Request.Severity);

    /// <summary>True the first time only: the email fallback goes out once per notification, whatever the outage length.</summary>
    public bool ClaimEmail() => Interlocked.Exchange(ref _emailed, 1) == 0;

    public override string ToString() => $"message_id {Request.MessageId} ({Records.Count} event(s), route {Route})";
}
