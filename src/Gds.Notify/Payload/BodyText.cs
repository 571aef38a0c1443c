using System.Globalization;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;

namespace Gds.Notify.Payload;

/// <summary>
/// The plain-text body a person reads: what is wrong, observed vs expected, since when, where to look, the labels.
/// Times are UTC in ISO 8601 so every reader sees the same instant.
/// </summary>
public static class BodyText
{
    public static string For(AlertEvent e)
    {
        var b = new StringBuilder();
        Append(b, e);
        return b.ToString().TrimEnd();
    }

    /// <summary>The block of one alert; grouped notifications list one such block per alert.</summary>
    public static void Append(StringBuilder b, AlertEvent e)
    {
        b.Append(StatusWord(e)).Append(": ").AppendLine(AlertMessage.Of(e));
        if (!string.IsNullOrWhiteSpace(e.Description) && e.Description.Trim() != AlertMessage.Of(e))
            b.AppendLine(e.Description.Trim());
        b.AppendLine();
        b.Append("What:      rule ").Append(e.RuleId);
        if (!string.IsNullOrWhiteSpace(e.RuleKind)) b.Append(" (").Append(e.RuleKind).Append(')');
        b.Append(" on ").Append(SeriesLabels.Describe(e.InstanceId, e.SeriesLabels));
        var where = string.Join(", ", new[] { e.DatabaseType, e.Environment }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (where.Length > 0) b.Append(" [").Append(where).Append(']');
        b.AppendLine();
        b.Append("Metric:    ").Append(e.MetricName).AppendLine(SeriesLabels.Format(e.SeriesLabels));
        b.Append("Observed:  ").Append(Number(e.Value)).Append(" (expected ").Append(string.IsNullOrWhiteSpace(e.Expected) ? "n/a" : e.Expected).AppendLine(")");
        b.Append("Since:     ").AppendLine(Time(e.StartsAt));
        if (e.EndsAt is { } ended) b.Append("Ended:     ").AppendLine(Time(ended));
        if (!string.IsNullOrWhiteSpace(e.AcknowledgedBy)) b.Append("Acknowledged by: ").AppendLine(e.AcknowledgedBy);
        if (e.Sequence > 0) b.Append("Notice:    ").Append(e.Status == AlertStatus.Escalated ? "escalation step " : "repeat ").AppendLine(e.Sequence.ToString(CultureInfo.InvariantCulture));
        b.Append("Runbook:   ").AppendLine(string.IsNullOrWhiteSpace(e.RunbookUrl) ? "none" : e.RunbookUrl);
        b.Append("Dashboard: ").AppendLine(string.IsNullOrWhiteSpace(e.DashboardUrl) ? "none" : e.DashboardUrl);
        var labels = AlertFields.Labels(e);
        b.Append("Labels:    ").AppendLine(labels.Count == 0 ? "none" : string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
        // The id `gds ack` and `gds silence` take, so the reader can act on the notice as it stands.
        if (!string.IsNullOrWhiteSpace(e.DedupKey)) b.Append("Alert id:  ").AppendLine(e.DedupKey);
        b.Append("Event:     ").AppendLine(e.EventId);
    }

    public static string StatusWord(AlertEvent e) => e.Status switch
    {
        AlertStatus.Firing => "FIRING",
        AlertStatus.Escalated => "ESCALATED",
        AlertStatus.Resolved => "RESOLVED",
        AlertStatus.Acknowledged => "ACKNOWLEDGED",
        _ => e.Status.ToUpperInvariant(),
    };

    public static string Number(double? v) => v is { } d ? d.ToString("0.####", CultureInfo.InvariantCulture) : "n/a";

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
