using Gds.Topology.Clients;

namespace Gds.Topology.Hosting;

/// <summary>One KafkaStream the supervisor runs, with the liveness of its threads and its last known state.</summary>
public sealed class StreamIncarnation(KafkaStream stream, ThreadLiveness liveness, int number)
{
    private KafkaStream.State _state = KafkaStream.State.CREATED;

    public KafkaStream Stream { get; } = stream;
    public ThreadLiveness Liveness { get; } = liveness;
    /// <summary>1 for the first stream of the process, +1 per restart.</summary>
    public int Number { get; } = number;

    public KafkaStream.State State
    {
        get => Volatile.Read(ref _state);
        internal set => Volatile.Write(ref _state, value);
    }
}
