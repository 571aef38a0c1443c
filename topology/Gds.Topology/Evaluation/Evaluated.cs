namespace Gds.Topology.Evaluation;

/// <summary>What the evaluate stage hands to hygiene: an alert event of the engine, or an ack passed through.</summary>
public sealed class Evaluated
{
    private Evaluated() { }

    public AlertEvent? Event { get; private init; }
    public Ack? Ack { get; private init; }

    /// <summary>
    /// Whether the event's time is that of a sample of its own series (folded as it arrived), rather than a tick's
    /// or another series' (rule deletions, absence, expiring windows): only such a time can tell a sample read
    /// again from a new one (see <see cref="Emitted.EmittedTransitions"/>).
    /// </summary>
    public bool AtSample { get; private init; }

    public static Evaluated Of(AlertEvent e, bool atSample) => new() { Event = e, AtSample = atSample };
    public static Evaluated Of(Ack a) => new() { Ack = a };
}
