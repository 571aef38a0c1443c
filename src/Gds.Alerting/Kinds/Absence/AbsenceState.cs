using System.Text.Json.Serialization;
using Gds.Alerting.State;

namespace Gds.Alerting.Kinds.Absence;

/// <summary>When the series last reported, or since when it has been watched without ever reporting.</summary>
public sealed class AbsenceState : KindState
{
    [JsonPropertyName("last_seen_at")] public DateTimeOffset? LastSeenAt { get; set; }
    /// <summary>True for a series created from the rule (an exact instance) that has not reported yet.</summary>
    [JsonPropertyName("never_seen")] public bool NeverSeen { get; set; }
}
