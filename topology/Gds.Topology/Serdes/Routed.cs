using Streamiz.Kafka.Net.SerDes;

namespace Gds.Topology.Serdes;

/// <summary>A record on its way out of the topology, with the topic it belongs to; a null value is a tombstone.</summary>
public sealed record Routed(string Topic, byte[]? Value);

/// <summary>Writes only the payload: the topic travels in the object so one sink node can serve every topic.</summary>
public sealed class RoutedSerDes : AbstractSerDes<Routed>
{
    public override byte[] Serialize(Routed data, SerializationContext context) => data.Value!;

    public override Routed Deserialize(byte[] data, SerializationContext context) =>
        new(context.Topic ?? "", data);
}
