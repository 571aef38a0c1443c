using System.Globalization;
using Gds.Contracts.Alerts;
using Gds.Contracts.Rules;
using Gds.Contracts.Topics;

namespace Gds.Notify.DeadLetter;

/// <summary>Which dead-lettered events a replay takes: failed at or after <see cref="Since"/>, of rule <see cref="RuleId"/>.</summary>
public sealed record ReplayFilter(DateTimeOffset? Since = null, string? RuleId = null)
{
    /// <summary>
    /// "--since" text: an ISO 8601 time ("2025-01-15T10:00:00Z") or a duration back from now ("2h", "30m", "1d").
    /// </summary>
    public static DateTimeOffset ParseSince(string text, DateTimeOffset now)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return at;
        if (DurationText.TryParse(text, out var ago)) return now - ago;
        throw new FormatException($"--since: '{text}' is neither a time (2025-01-15T10:00:00Z) nor a duration back from now (30m, 2h, 1d)");
    }

    /// <summary>When the event failed: the DLQ header the sink writes, else the record's own timestamp.</summary>
    public static DateTimeOffset FailedAt(ConsumeResult<byte[], byte[]> record)
    {
        if (record.Message.Headers?.TryGetLastBytes(ErrorHeaders.FailedAt, out var b) == true
            && DateTimeOffset.TryParse(Encoding.UTF8.GetString(b), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
            return at;
        return new DateTimeOffset(record.Message.Timestamp.UtcDateTime, TimeSpan.Zero);
    }

    public bool Matches(ConsumeResult<byte[], byte[]> record, AlertEvent? alert)
    {
        if (Since is { } since && FailedAt(record) < since) return false;
        if (RuleId is { } rule && !string.Equals(alert?.RuleId, rule, StringComparison.Ordinal)) return false;
        return true;
    }
}
