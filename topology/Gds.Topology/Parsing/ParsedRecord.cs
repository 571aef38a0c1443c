using Gds.Contracts.Metrics;

namespace Gds.Topology.Parsing;

/// <summary>
/// A record of the merged input as the parse stage read it: a sample to evaluate (a metric, or a collector's
/// heartbeat as a sample of gds_collector_up), an ack for hygiene, or a dead letter (its original bytes, the
/// reason in the record's headers).
/// </summary>
public sealed class ParsedRecord
{
    private ParsedRecord() { }

    public Metric? Sample { get; private init; }
    /// <summary>True for a heartbeat's sample: it is evaluated but not counted as a metric.</summary>
    public bool IsHeartbeat { get; private init; }
    public Ack? Ack { get; private init; }
    /// <summary>The original value of a record that could not be read, for gds.metrics.dlq.</summary>
    public byte[]? DeadLetter { get; private init; }

    public bool IsDeadLetter => DeadLetter is not null;

    public static ParsedRecord OfMetric(Metric m) => new() { Sample = m };
    public static ParsedRecord OfHeartbeat(Metric m) => new() { Sample = m, IsHeartbeat = true };
    public static ParsedRecord OfAck(Ack a) => new() { Ack = a };
    public static ParsedRecord Dead(byte[]? original) => new() { DeadLetter = original ?? [] };
}

/// <summary>Writes a dead letter's original bytes: gds.metrics.dlq carries the record as it arrived.</summary>
public sealed class DeadLetterSerDes : Streamiz.Kafka.Net.SerDes.AbstractSerDes<ParsedRecord>
{
    public override byte[] Serialize(ParsedRecord data, Confluent.Kafka.SerializationContext context) =>
        data.DeadLetter ?? throw new InvalidOperationException("only dead letters go to gds.metrics.dlq");

    public override ParsedRecord Deserialize(byte[] data, Confluent.Kafka.SerializationContext context) => ParsedRecord.Dead(data);
}
