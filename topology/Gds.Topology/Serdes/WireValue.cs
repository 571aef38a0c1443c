using Gds.Kafka.Wire;
using Streamiz.Kafka.Net.SerDes;

namespace Gds.Topology.Serdes;

/// <summary>
/// A record as the topology reads it: its bytes as they were on the wire (what a dead letter keeps), and the JSON
/// they decode to, or why they do not. A null <see cref="Raw"/> is a tombstone.
/// </summary>
public sealed record WireValue(byte[]? Raw, byte[]? Json, string? Error)
{
    public static readonly WireValue Tombstone = new(null, null, null);
}

/// <summary>
/// The topology's input serde: JSON or Avro (Confluent wire format) on any input topic, through the process's
/// <see cref="RecordCodec"/>. It never throws, so a record that cannot be decoded reaches the parse stage, which
/// dead-letters it with the reason, instead of stopping the stream thread in Streamiz's deserialization handler.
/// </summary>
public sealed class WireValueSerDes(RecordCodec codec) : AbstractSerDes<WireValue>
{
    public WireValueSerDes() : this(RecordCodec.Json) { }

    public override WireValue Deserialize(byte[] data, SerializationContext context)
    {
        if (data is null || data.Length == 0) return new WireValue(data, null, null);
        return codec.TryDecode(context.Topic ?? "", data, out var json, out var error)
            ? new WireValue(data, json, null)
            : new WireValue(data, null, error);
    }

    public override byte[] Serialize(WireValue data, SerializationContext context) => data.Raw!;
}
