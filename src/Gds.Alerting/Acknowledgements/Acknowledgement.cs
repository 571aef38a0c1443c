using Gds.Alerting.Hygiene;

namespace Gds.Alerting.Acknowledgements;

public enum AckOutcome
{
    /// <summary>The firing episode is now acknowledged; an acknowledged event was emitted.</summary>
    Acknowledged,
    /// <summary>Already acknowledged (a replayed or repeated ack): nothing emitted.</summary>
    AlreadyAcknowledged,
    /// <summary>Nothing fires under that id here: no state, or the episode resolved.</summary>
    NotFiring,
    /// <summary>The ack was given before this episode fired (e.g. an old ack re-read from the compacted topic).</summary>
    Stale,
}

/// <summary>
/// firing → acknowledged: who took it, when, why. From then on re-notifications stop and escalation never fires;
/// resolution still resolves (and is still notified when the firing was). The acknowledgement belongs to the
/// episode: a new episode of the same alert starts unacknowledged.
/// </summary>
public static class Acknowledgement
{
    /// <param name="tolerance">How much earlier than the episode's firing an ack may be dated and still count:
    /// acks carry the CLI's wall clock, episodes the samples' event time.</param>
    public static AckOutcome Apply(HygieneState? state, Ack ack, TimeSpan tolerance)
    {
        if (state is null) return AckOutcome.NotFiring;
        if (state.AckedBy is not null) return AckOutcome.AlreadyAcknowledged;
        if (ack.At < state.FiringAt - tolerance) return AckOutcome.Stale;
        state.AckedBy = ack.By;
        state.AckedAt = ack.At;
        state.AckComment = ack.Comment;
        return AckOutcome.Acknowledged;
    }
}
