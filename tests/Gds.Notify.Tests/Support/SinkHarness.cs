using System.Text.Json;
using Gds.Kafka.Admin;
using Gds.Kafka.Clients;
using Gds.Kafka.Embedded;
using Gds.Notify.Email;
using WireMock.Server;

namespace Gds.Notify.Tests.Support;

/// <summary>
/// An embedded Kafka broker with the gds topics, a WireMock.Net server playing gds_notification, and helpers to
/// run sinks against them with short timings.
/// </summary>
public sealed class SinkHarness : IAsyncDisposable
{
    public const string Token = "s3cr3t-test-token-0f9e";

    private readonly List<RunningSink> _sinks = [];

    private SinkHarness(EmbeddedBroker broker, WireMockServer service)
    {
        Broker = broker;
        Service = service;
        Kafka = new KafkaClientFactory(broker.BootstrapServers);
    }

    public EmbeddedBroker Broker { get; }
    public KafkaClientFactory Kafka { get; }
    public WireMockServer Service { get; }
    public CapturingLoggerFactory Logs { get; } = new();
    public int Partitions { get; private init; }

    public static async Task<SinkHarness> StartAsync(int partitions = 3, bool answerOk = true)
    {
        var broker = EmbeddedBroker.Start();
        await new EmbeddedTopicCreator(broker).EnsureAsync([
            new TopicSpec(TopicNames.Alerts, partitions),
            new TopicSpec(TopicNames.AlertsDlq, 1),
        ]);
        var service = WireMockServer.Start();
        var h = new SinkHarness(broker, service) { Partitions = partitions };
        if (answerOk) h.AnswerAlways(200);
        return h;
    }

    public void AnswerAlways(int status, string body = "{\"status\":\"queued\"}") =>
        Service.Given(Request.Create().WithPath("/ingest").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>Options for tests: the real pipeline with timings in milliseconds.</summary>
    public SinkOptions Options(Action<SinkOptions>? tweak = null)
    {
        var o = new SinkOptions
        {
            NotifyUrl = Service.Url!,
            AuthToken = Token,
            CommitInterval = TimeSpan.FromMilliseconds(50),
            DrainTimeout = TimeSpan.FromSeconds(2),
            ClientId = "test-sink",
            // The mock cluster ignores LeaveGroup: a restarted sink waits out the old member's session.
            SessionTimeout = TimeSpan.FromSeconds(1.5),
        };
        o.Retry.BaseDelay = TimeSpan.FromMilliseconds(20);
        o.Retry.MaxDelay = TimeSpan.FromMilliseconds(200);
        // Generous: a first request (JIT, WireMock start) on a busy 2-core machine can take seconds, and a timeout
        // here would re-send, which the exact-count assertions of some tests do not expect.
        o.Retry.AttemptTimeout = TimeSpan.FromSeconds(15);
        o.Retry.RoundTimeout = TimeSpan.FromSeconds(30);
        o.Retry.HoldDelay = TimeSpan.FromMilliseconds(100);
        o.Breaker.MinimumThroughput = 100; // tests that want the breaker lower this
        o.Breaker.BreakDuration = TimeSpan.FromMilliseconds(500);
        o.Breaker.SamplingDuration = TimeSpan.FromSeconds(5);
        tweak?.Invoke(o);
        return o;
    }

    public RunningSink StartSink(SinkOptions options, IMailSender? mail = null)
    {
        var sink = new NotificationSink(options, Kafka, Logs, mail);
        var running = new RunningSink(sink);
        _sinks.Add(running);
        return running;
    }

    public async Task ProduceAsync(params AlertEvent[] events)
    {
        using var producer = Kafka.CreateByteProducer("test-producer");
        foreach (var e in events)
            await producer.ProduceAsync(TopicNames.Alerts, new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(e.InstanceId),
                Value = GdsJson.Serialize(e),
            });
    }

    public async Task ProduceRawAsync(string key, byte[] value, string topic = TopicNames.Alerts)
    {
        using var producer = Kafka.CreateByteProducer("test-producer");
        await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value });
    }

    /// <summary>Every POST /ingest the service saw, in arrival order.</summary>
    public List<Received> Requests() =>
        Service.LogEntries
            .Where(e => e.RequestMessage.Path == "/ingest")
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => new Received(
                JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone(),
                e.RequestMessage.Body!,
                Convert.ToInt32(e.ResponseMessage.StatusCode),
                e.RequestMessage.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value.ToArray()), StringComparer.OrdinalIgnoreCase) ?? new(),
                e.RequestMessage.DateTime))
            .ToList();

    /// <summary>message_ids the service answered 2xx, once per request.</summary>
    public List<string> DeliveredIds() => Requests().Where(r => r.Status is >= 200 and < 300).Select(r => r.MessageId).ToList();

    /// <summary>True when the sink's group has committed every partition of gds.alerts up to its end.</summary>
    public bool AllCommitted()
    {
        using var consumer = Kafka.CreateByteConsumer(SinkOptions.ConsumerGroup, "test-check");
        var tps = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(TopicNames.Alerts, p)).ToList();
        var committed = consumer.Committed(tps, TimeSpan.FromSeconds(5));
        foreach (var c in committed)
        {
            var w = consumer.QueryWatermarkOffsets(c.TopicPartition, TimeSpan.FromSeconds(5));
            var at = c.Offset == Offset.Unset ? 0 : c.Offset.Value;
            if (at < w.High.Value) return false;
        }
        return true;
    }

    /// <summary>Everything in gds.alerts.dlq right now.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadDlq() => ReadAll(TopicNames.AlertsDlq);

    public List<ConsumeResult<byte[], byte[]>> ReadAll(string topic)
    {
        using var consumer = Kafka.CreateByteConsumer("test-reader-" + Guid.NewGuid().ToString("N"), "test-reader");
        var parts = topic == TopicNames.Alerts ? Partitions : 1;
        var list = new List<ConsumeResult<byte[], byte[]>>();
        for (var p = 0; p < parts; p++)
        {
            var tp = new TopicPartition(topic, p);
            var w = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5));
            if (w.High.Value <= w.Low.Value) continue;
            consumer.Assign(new TopicPartitionOffset(tp, w.Low));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (r is null) continue;
                list.Add(r);
                if (r.Offset.Value >= w.High.Value - 1) break;
            }
            consumer.Unassign();
        }
        return list;
    }

    /// <summary>Waits for a condition; on time-out the failure carries the sink's log, which says why.</summary>
    public async Task WaitFor(Func<bool> condition, string what, TimeSpan? within = null)
    {
        try
        {
            await Eventually.True(condition, what, within);
        }
        catch (Xunit.Sdk.XunitException ex)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n--- sink log (last 80 lines) ---\n" + string.Join("\n", Logs.Lines.TakeLast(80)));
        }
    }

    public static string? Header(ConsumeResult<byte[], byte[]> r, string key) =>
        r.Message.Headers.TryGetLastBytes(key, out var b) ? Encoding.UTF8.GetString(b) : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _sinks) await s.DisposeAsync();
        Service.Stop();
        Service.Dispose();
        Broker.Dispose();
    }

    public sealed record Received(JsonElement Json, string Body, int Status, Dictionary<string, string> Headers, DateTime At)
    {
        public string MessageId => Json.GetProperty("message_id").GetString()!;
        public string Subject => Json.GetProperty("subject").GetString()!;
        public string BodyText => Json.GetProperty("body_text").GetString()!;
    }
}

/// <summary>A sink running in the background; stopping it cancels RunAsync and waits for it.</summary>
public sealed class RunningSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public RunningSink(NotificationSink sink)
    {
        Sink = sink;
        Task = Task.Run(() => sink.RunAsync(_stop.Token));
    }

    public NotificationSink Sink { get; }
    public Task Task { get; }
    public SinkStats Stats => Sink.Stats;

    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Task.IsCompleted)
        {
            _stop.Cancel();
            try { await Task.WaitAsync(TimeSpan.FromSeconds(30)); } catch { /* the test has already reported */ }
        }
        Sink.Dispose();
    }
}
