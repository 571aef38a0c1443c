using Gds.Contracts.Alerts;

namespace Gds.Notify.Payload;

/// <summary>The paragraph that tells recipients which events of an alert the rate limit held back since its last notification.</summary>
public static class HeldBackSummary
{
    public static void Append(StringBuilder b, IReadOnlyList<AlertEvent> held)
    {
        if (held.Count == 0) return;
        b.AppendLine().AppendLine();
        b.Append("Held back by the rate limit since the last notification: ").Append(held.Count).Append(held.Count == 1 ? " event" : " events").AppendLine();
        foreach (var e in held)
            b.Append("- ").Append(BodyText.Time(e.EventTime)).Append(' ').Append(BodyText.StatusWord(e))
             .Append(" value ").Append(BodyText.Number(e.Value)).Append(": ").Append(AlertMessage.Of(e))
             .Append(" (").Append(e.EventId).AppendLine(")");
    }
}
