using System.Globalization;
using System.Text;
using Gds.Contracts.Topics;

namespace Gds.Warehouse.Consuming;

/// <summary>
/// Sends a record the importer cannot load to gds.metrics.dlq: the original key, bytes and headers, plus error
/// headers saying what was wrong and where it came from, so it can be fixed and replayed.
/// </summary>
public sealed class DeadLetterPublisher(IProducer<byte[], byte[]> producer, TimeProvider time)
{
    public const string Stage = "dw-import";

    public Task<DeliveryResult<byte[], byte[]>> PublishAsync(ConsumeResult<byte[], byte[]> record, string error)
    {
        var headers = new Headers();
        if (record.Message.Headers is { } original)
            foreach (var h in original) headers.Add(h.Key, h.GetValueBytes());
        headers.Add(ErrorHeaders.Error, Encoding.UTF8.GetBytes(error));
        headers.Add(ErrorHeaders.ErrorStage, Encoding.UTF8.GetBytes(Stage));
        headers.Add(ErrorHeaders.SourceTopic, Encoding.UTF8.GetBytes(record.Topic));
        headers.Add(ErrorHeaders.SourcePartition, Encoding.UTF8.GetBytes(record.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(ErrorHeaders.SourceOffset, Encoding.UTF8.GetBytes(record.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(ErrorHeaders.FailedAt, Encoding.UTF8.GetBytes(time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
        return producer.ProduceAsync(TopicNames.MetricsDlq, new Message<byte[], byte[]>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = headers,
        });
    }
}
