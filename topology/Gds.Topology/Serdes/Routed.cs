using Gds.Kafka.Wire;
using Streamiz.Kafka.Net.SerDes;

namespace Gds.Topology.Serdes;

/// <summary>A record on its way out of the topology, with the topic it belongs to, as JSON; a null value is a tombstone.</summary>
public sealed record Routed(string Topic, byte[]? Value);

/// <summary>
/// Writes only the payload, in the process's wire format (<see cref="RecordCodec"/>): the topic travels in the
/// object so one sink node can serve every topic.
/// </summary>
public sealed class RoutedSerDes(RecordCodec codec) : AbstractSerDes<Routed>
{
    public RoutedSerDes() : this(RecordCodec.Json) { }

    public override byte[] Serialize(Routed data, SerializationContext context) =>
        data.Value is null ? null! : codec.Encode(data.Topic, data.Value);

    public override Routed Deserialize(byte[] data, SerializationContext context) =>
        new(context.Topic ?? "", codec.Decode(context.Topic ?? "", data));
}
