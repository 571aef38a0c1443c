using Gds.Contracts.Rules;

namespace Gds.Notify.Payload;

/// <summary>gds_notification accepts exactly INFO, WARNING and CRITICAL; events are matched case-insensitively.</summary>
public static class SeverityName
{
    public static string Normalize(string? severity, string eventId)
    {
        var upper = severity?.Trim().ToUpperInvariant();
        return upper is Severities.Info or Severities.Warning or Severities.Critical
            ? upper
            : throw new PayloadException($"event {eventId}: severity '{severity}' is not one of {string.Join(", ", Severities.All)}");
    }

    public static bool IsCritical(string severity) => severity == Severities.Critical;
}
