// Interim sink used by the walking skeleton until the resilient sink (issue 6) lands; it keeps the same
// public seam (SinkOptions, SinkStats, NotificationSink.RunAsync) so `gds dev` does not change when it does.
using System.Net.Http.Json;
using Confluent.Kafka;
using Gds.Contracts.Alerts;
using Gds.Contracts.Notifications;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;
using Microsoft.Extensions.Logging;

namespace Gds.Notify;

public sealed class SinkOptions
{
    public string NotifyUrl { get; set; } = "";
}

public sealed class SinkStats
{
    private long _consumed, _delivered, _failed, _dead, _inFlight;
    public long Consumed => Interlocked.Read(ref _consumed);
    public long Delivered => Interlocked.Read(ref _delivered);
    public long Failed => Interlocked.Read(ref _failed);
    public long DeadLettered => Interlocked.Read(ref _dead);
    public long InFlight => Interlocked.Read(ref _inFlight);
    internal void OnConsumed() { Interlocked.Increment(ref _consumed); Interlocked.Increment(ref _inFlight); }
    internal void OnFinished() => Interlocked.Decrement(ref _inFlight);
    internal void OnDelivered() => Interlocked.Increment(ref _delivered);
    internal void OnFailed() => Interlocked.Increment(ref _failed);
}

public sealed class NotificationSink(SinkOptions options, KafkaClientFactory clients, ILoggerFactory logs)
{
    private readonly ILogger _log = logs.CreateLogger<NotificationSink>();
    public SinkStats Stats { get; } = new();

    public async Task RunAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(options.NotifyUrl.TrimEnd('/') + "/") };
        using var consumer = clients.CreateByteConsumer("gds-notification-sink", "gds-sink");
        consumer.Subscribe(TopicNames.Alerts);
        await Task.Yield();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (r is null) continue;
                Stats.OnConsumed();
                var e = GdsJson.Deserialize<AlertEvent>(r.Message.Value);
                if (e.ShouldNotify)
                {
                    while (!ct.IsCancellationRequested)
                    {
                        var resp = await http.PostAsync("ingest", JsonContent.Create(Map(e), GdsJsonContext.Default.NotificationRequest), ct);
                        if (resp.IsSuccessStatusCode) { Stats.OnDelivered(); break; }
                        Stats.OnFailed();
                        await Task.Delay(500, ct);
                    }
                }
                consumer.StoreOffset(r);
                consumer.Commit();
                Stats.OnFinished();
            }
        }
        catch (OperationCanceledException) { }
        consumer.Close();
        _log.LogInformation("sink stopped");
    }

    private static NotificationRequest Map(AlertEvent e)
    {
        var message = e.Summary ?? $"{e.RuleId} on {e.InstanceId}";
        var head = e.Status == AlertStatus.Resolved ? "Resolved: " : "Alert: ";
        return new NotificationRequest
        {
            AlertName = e.RuleId,
            DbInstanceId = e.InstanceId,
            Subject = head + (message.Length > 50 ? message[..50] : message),
            BodyText = $"{message}\nobserved {e.Value} expected {e.Expected}\nsince {e.StartsAt:O}",
            MessageId = e.EventId,
            Severity = e.Severity,
            RunbookUrl = e.RunbookUrl,
            Labels = e.Labels,
            RoutingKey = e.RoutingKey,
        };
    }
}
