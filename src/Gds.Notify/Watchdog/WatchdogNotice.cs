using Gds.Contracts.Notifications;
using Gds.Contracts.Watchdog;

namespace Gds.Notify.Watchdog;

/// <summary>A page or an all-clear to deliver, and the episode record to write once it is delivered.</summary>
public sealed record WatchdogNotice(NotificationRequest Request, WatchdogEpisode Episode)
{
    public bool IsPage => Episode.State == WatchdogEpisode.Down;

    public override string ToString() => $"{(IsPage ? "page" : "all-clear")} {Request.MessageId}";
}
