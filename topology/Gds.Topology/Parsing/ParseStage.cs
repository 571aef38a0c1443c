using System.Text;
using Gds.Alerting.Backtest;
using Gds.Alerting.Kinds.Absence;
using Gds.Contracts.Heartbeats;
using Gds.Contracts.Serialization;
using Gds.Topology.Evaluation;
using Gds.Topology.Serdes;

namespace Gds.Topology.Parsing;

/// <summary>
/// The first stage: reads each record of the merged input (metrics, acks, collector heartbeats; JSON or Avro, decoded
/// by <see cref="WireValueSerDes"/>) by the topic it came from and forwards it to the evaluate stage. What cannot be read becomes a dead letter carrying its original bytes,
/// with the reason and its source in headers, for gds.metrics.dlq: nothing is dropped silently and the stream goes
/// on. Stateless.
/// </summary>
public sealed class ParseStage : ITransformer<string, WireValue, string, ParsedRecord>
{
    private readonly TopologyRuntime? _runtime;
    private readonly string? _next;
    private readonly MetricLineParser _parser = new();
    private ProcessorContext<string, ParsedRecord>? _context;

    public ParseStage() { }

    /// <param name="next">the evaluate stage's node: what is read goes there by name, dead letters are returned (to every child)</param>
    public ParseStage(TopologyRuntime runtime, string next)
    {
        _runtime = runtime;
        _next = next;
    }

    public void Init(ProcessorContext<string, ParsedRecord> context) => _context = context;

    public Record<string, ParsedRecord>? Process(Record<string, WireValue> record)
    {
        var topic = record.TopicPartitionOffset?.Topic;
        if (record.Value?.Error is { } undecodable) return Dead(record, undecodable, "streams:decode");
        if (topic == TopicNames.AlertAcks) return ReadAck(record);
        if (topic == TopicNames.Heartbeats) return ReadHeartbeat(record);
        if (!MetricReader.TryRead(_parser, record.Value?.Json, out var metric, out var error))
            return Dead(record, error, "streams:read-metric");
        return Next(record, ParsedRecord.OfMetric(metric));
    }

    private Record<string, ParsedRecord>? Next(Record<string, WireValue> record, ParsedRecord parsed)
    {
        _context!.Forward(record.Key, parsed, _next!);
        return null;
    }

    private Record<string, ParsedRecord>? ReadAck(Record<string, WireValue> record)
    {
        if (record.Value?.Json is not { Length: > 0 } bytes) return null; // a tombstone on the acks topic means nothing
        try
        {
            return Next(record, ParsedRecord.OfAck(GdsJson.Deserialize<Ack>(bytes)));
        }
        catch (RecordFormatException ex)
        {
            return Dead(record, ex.Message, "streams:read-ack");
        }
    }

    private Record<string, ParsedRecord>? ReadHeartbeat(Record<string, WireValue> record)
    {
        if (record.Value?.Json is not { Length: > 0 } bytes) return null; // compaction tombstone of a retired collector
        try
        {
            return Next(record, ParsedRecord.OfHeartbeat(HeartbeatSamples.ToMetric(GdsJson.Deserialize<Heartbeat>(bytes))));
        }
        catch (RecordFormatException ex)
        {
            return Dead(record, ex.Message, "streams:read-heartbeat");
        }
    }

    /// <summary>Returned, not forwarded by name: Streamiz sets a returned record's headers (the reason) before it forwards.</summary>
    private Record<string, ParsedRecord> Dead(Record<string, WireValue> record, string error, string stage)
    {
        _runtime!.Counters.DeadLettered();
        var headers = CopyHeaders(record.Headers);
        headers.Add(ErrorHeaders.Error, Encoding.UTF8.GetBytes(error));
        headers.Add(ErrorHeaders.ErrorStage, Encoding.UTF8.GetBytes(stage));
        headers.Add(ErrorHeaders.SourceTopic, Encoding.UTF8.GetBytes(record.TopicPartitionOffset?.Topic ?? ""));
        headers.Add(ErrorHeaders.SourcePartition, Encoding.UTF8.GetBytes((record.TopicPartitionOffset?.Partition.Value ?? -1).ToString()));
        headers.Add(ErrorHeaders.SourceOffset, Encoding.UTF8.GetBytes((record.TopicPartitionOffset?.Offset.Value ?? -1).ToString()));
        return Record<string, ParsedRecord>.Create(record.Key, ParsedRecord.Dead(record.Value?.Raw), headers);
    }

    private static Headers CopyHeaders(Headers? source)
    {
        var h = new Headers();
        if (source is null) return h;
        foreach (var x in source) h.Add(x.Key, x.GetValueBytes());
        return h;
    }

    public void Close() { }
}
