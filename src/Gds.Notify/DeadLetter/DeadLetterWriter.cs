using System.Globalization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;
using Polly;
using Polly.Retry;

namespace Gds.Notify.DeadLetter;

/// <summary>
/// Writes an event to gds.alerts.dlq: the original key and bytes, the original headers, and the error headers
/// (<see cref="ErrorHeaders"/>) that say why and where. The write is acknowledged (acks=all, idempotent) before
/// the event's offset may be committed; if Kafka itself is unreachable it is retried until it succeeds or the sink stops.
/// </summary>
public sealed class DeadLetterWriter : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly string _topic;
    private readonly ILogger _log;
    private readonly ResiliencePipeline _retry;

    public DeadLetterWriter(KafkaClientFactory kafka, string topic, string clientId, ILogger log)
    {
        _producer = kafka.CreateByteProducer(clientId + "-dlq");
        _topic = topic;
        _log = log;
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<KafkaException>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(30),
                OnRetry = a =>
                {
                    _log.LogWarning("writing to {Topic} failed ({Error}); retry {Attempt}", _topic, a.Outcome.Exception?.Message, a.AttemptNumber + 1);
                    return default;
                },
            })
            .Build();
    }

    public async Task WriteAsync(ConsumeResult<byte[], byte[]> source, DeadLetterReason reason, CancellationToken cancellationToken)
    {
        var message = new Message<byte[], byte[]>
        {
            Key = source.Message.Key,
            Value = source.Message.Value,
            Headers = Headers(source, reason),
            Timestamp = new Timestamp(DateTime.UtcNow),
        };
        await _retry.ExecuteAsync(async ct => await _producer.ProduceAsync(_topic, message, ct).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
    }

    public static Headers Headers(ConsumeResult<byte[], byte[]> source, DeadLetterReason reason)
    {
        var h = new Headers();
        if (source.Message.Headers is { } original)
            foreach (var header in original)
                if (!header.Key.StartsWith("gds.error", StringComparison.Ordinal) && !IsOurs(header.Key))
                    h.Add(header.Key, header.GetValueBytes());
        Add(h, ErrorHeaders.Error, reason.Error);
        Add(h, ErrorHeaders.ErrorStage, reason.Stage);
        Add(h, ErrorHeaders.SourceTopic, source.Topic);
        Add(h, ErrorHeaders.SourcePartition, source.Partition.Value.ToString(CultureInfo.InvariantCulture));
        Add(h, ErrorHeaders.SourceOffset, source.Offset.Value.ToString(CultureInfo.InvariantCulture));
        if (reason.HttpStatus is { } status) Add(h, ErrorHeaders.HttpStatus, status.ToString(CultureInfo.InvariantCulture));
        if (reason.ResponseBody is { } body) Add(h, ErrorHeaders.ResponseBody, body);
        Add(h, ErrorHeaders.Attempts, reason.Attempts.ToString(CultureInfo.InvariantCulture));
        Add(h, ErrorHeaders.FailedAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return h;
    }

    private static bool IsOurs(string key) => key is ErrorHeaders.SourceTopic or ErrorHeaders.SourcePartition or ErrorHeaders.SourceOffset
        or ErrorHeaders.HttpStatus or ErrorHeaders.ResponseBody or ErrorHeaders.Attempts or ErrorHeaders.FailedAt;

    private static void Add(Headers h, string key, string value) => h.Add(key, Encoding.UTF8.GetBytes(value));

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
