using Gds.Contracts.Alerts;
using Gds.Contracts.Serialization;

namespace Gds.Notify.Delivery;

/// <summary>Reads a consumed record (JSON or Avro) as an AlertEvent, finds its route, and hands it to the dispatcher with its offset ticket.</summary>
internal sealed class RecordIntake(SinkOptions options, RouteLanes lanes, OffsetTracker tracker, NotificationDispatcher dispatcher, SinkStats stats, Gds.Kafka.Wire.RecordCodec codec)
{
    public readonly record struct Decoded(ConsumeResult<byte[], byte[]> Source, AlertEvent? Alert, string? Error, string Route);

    public Decoded Decode(ConsumeResult<byte[], byte[]> result)
    {
        AlertEvent? alert = null;
        string? error = null;
        if (result.Message.Value is null || result.Message.Value.Length == 0)
            error = $"{RecordPosition.Of(result)}: empty record (no AlertEvent)";
        else
        {
            try
            {
                alert = codec.Decode<AlertEvent>(result.Topic, result.Message.Value);
            }
            catch (RecordFormatException ex)
            {
                error = $"{RecordPosition.Of(result)}: {ex.Message}";
            }
        }
        var route = string.IsNullOrWhiteSpace(alert?.RoutingKey) ? options.DefaultRoute : alert!.RoutingKey!;
        return new Decoded(result, alert, error, route);
    }

    public RouteLanes.Lane LaneFor(Decoded decoded) => lanes.For(decoded.Route);

    public void Accept(Decoded decoded, RouteLanes.Lane lane, OffsetTicket ticket)
    {
        var record = new AlertRecord(decoded.Source, decoded.Alert, decoded.Route, r =>
        {
            tracker.Complete(r.Ticket);
            lane.Dequeued();
            stats.OnFinished();
        })
        {
            Ticket = ticket,
            DecodeError = decoded.Error,
        };
        lane.Enqueued();
        dispatcher.Dispatch(record);
    }
}
