using Gds.Alerting.Escalation;
using Gds.Alerting.Events;

namespace Gds.Alerting.Hygiene;

/// <summary>
/// The events hygiene adds or reshapes. Ids stay deterministic (<see cref="EventIds.For"/> over dedup key, a
/// discriminator, the episode's start and a number), and distinct from the engine's own firing/resolved ids:
/// <list type="bullet">
/// <item>acknowledged: ("acknowledged", 0)</item>
/// <item>escalation step n: ("escalated", n)</item>
/// <item>n-th release notice (muting ended while firing): ("firing:released", n)</item>
/// </list>
/// </summary>
public static class HygieneEvents
{
    public const string ReleasedDiscriminator = "firing:released";

    /// <summary>An engine event with the episode's hygiene on it: mutes, ack, escalation, correlation.</summary>
    public static AlertEvent Decorate(AlertEvent e, HygieneState s)
    {
        var severity = s.EscalatedSeverity ?? e.Severity;
        return e with
        {
            SilencedBy = s.SilencedBy is { Count: > 0 } sb ? sb.ToArray() : null,
            InhibitedBy = s.InhibitedBy is { Count: > 0 } ib ? ib.ToArray() : null,
            AcknowledgedBy = s.AckedBy,
            Severity = severity,
            Labels = WithSeverity(e.Labels, severity),
            RoutingKey = s.EscalatedRoutingKey ?? e.RoutingKey,
            CorrelationId = s.CorrelationId,
        };
    }

    public static AlertEvent Acknowledged(HygieneState s, Ack ack) =>
        Decorate(s.Alert, s) with
        {
            EventId = EventIds.For(s.DedupKey, AlertStatus.Acknowledged, s.EpisodeStart, 0),
            Status = AlertStatus.Acknowledged,
            EventTime = ack.At,
            Sequence = 0,
            Description = Append(s.Alert.Description, $"Acknowledged by {ack.By}" + (string.IsNullOrWhiteSpace(ack.Comment) ? "." : $": {ack.Comment}")),
        };

    public static AlertEvent Escalated(HygieneState s, EscalationLevel level, DateTimeOffset now)
    {
        var e = Decorate(s.Alert, s);
        return e with
        {
            EventId = EventIds.For(s.DedupKey, AlertStatus.Escalated, s.EpisodeStart, level.Number),
            Status = AlertStatus.Escalated,
            EventTime = now,
            Sequence = level.Number,
            Description = Append(s.Alert.Description,
                $"Escalated (step {level.Number}): not acknowledged {Gds.Contracts.Rules.DurationText.Format(now - s.FirstNotifiedAt!.Value)} after it was notified."),
        };
    }

    public static AlertEvent Released(HygieneState s, DateTimeOffset now) =>
        Decorate(s.Alert, s) with
        {
            EventId = EventIds.For(s.DedupKey, ReleasedDiscriminator, s.EpisodeStart, s.Releases),
            Status = AlertStatus.Firing,
            EventTime = now,
            Sequence = s.Alert.Sequence,
            Description = Append(s.Alert.Description, "Still firing now that the silence or inhibition that held it back has ended."),
        };

    /// <summary>Raises a severity to an escalation step's, never lowers it.</summary>
    public static string Raise(string current, string? to) =>
        to is not null && Gds.Contracts.Rules.Severities.Rank(to) > Gds.Contracts.Rules.Severities.Rank(current) ? to : current;

    private static IReadOnlyDictionary<string, string> WithSeverity(IReadOnlyDictionary<string, string> labels, string severity)
    {
        if (labels.TryGetValue("severity", out var s) && s == severity) return labels;
        return new Dictionary<string, string>(labels, StringComparer.Ordinal) { ["severity"] = severity };
    }

    private static string Append(string? text, string line) => string.IsNullOrEmpty(text) ? line : text + "\n" + line;
}
