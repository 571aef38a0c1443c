using MimeKit;

namespace Gds.Notify.Email;

/// <summary>
/// The fallback mail: the notification's own subject and text, plus a line saying why it came by mail. Its
/// Message-Id is derived from message_id, so a mail sent twice (sink restarted mid-outage) threads as one.
/// </summary>
public static class EmailComposer
{
    public static MimeMessage Compose(Notification n, MailboxAddress from, IReadOnlyList<MailboxAddress> to)
    {
        var m = new MimeMessage();
        m.From.Add(from);
        m.To.AddRange(to);
        m.Subject = n.Request.Subject;
        m.MessageId = $"{Sanitize(n.Request.MessageId)}@gds-sink";
        m.Headers.Add("X-Gds-Message-Id", n.Request.MessageId);
        m.Headers.Add("X-Gds-Severity", n.Request.Severity);
        if (n.Request.RoutingKey is { } rk) m.Headers.Add("X-Gds-Routing-Key", rk);
        m.Body = new TextPart("plain")
        {
            Text = n.Request.BodyText + "\n\n--\nSent directly by the GdsStreams notification sink because gds_notification is unavailable "
                   + $"(circuit open). The notification (message_id {n.Request.MessageId}) will also be delivered through the service once it is back.\n",
        };
        return m;
    }

    private static string Sanitize(string id) => new(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '-').ToArray());
}
