namespace Gds.Topology.Evaluation;

/// <summary>What the evaluate stage hands to hygiene: an alert event of the engine, or an ack passed through.</summary>
public sealed class Evaluated
{
    private Evaluated() { }

    public AlertEvent? Event { get; private init; }
    public Ack? Ack { get; private init; }

    public static Evaluated Of(AlertEvent e) => new() { Event = e };
    public static Evaluated Of(Ack a) => new() { Ack = a };
}
