using Gds.Contracts.Metrics;

namespace Gds.Topology.Tests.Support;

/// <summary>Helpers for tests that run the topology on the embedded broker.</summary>
internal static class EmbeddedAlerts
{
    public const string MetricTopic = "gds.metrics.postgresql.production";

    /// <summary>A pg_connections_used_ratio sample of a production PostgreSQL instance, keyed by its instance.</summary>
    public static Message<string, byte[]?> ConnectionsSample(string instance, double value, DateTimeOffset at) => new()
    {
        Key = instance,
        Value = GdsJson.Serialize(new Metric
        {
            Timestamp = at, DatabaseType = "postgresql", InstanceId = instance, MetricName = "pg_connections_used_ratio", Value = value,
            Tags = new Dictionary<string, string> { ["environment"] = "production" },
        }),
    };

    /// <summary>Every event on gds.alerts, read until the topic has been quiet for a moment.</summary>
    public static List<AlertEvent> ReadAll(KafkaClientFactory clients)
    {
        using var consumer = clients.CreateByteConsumer("reader-" + Guid.NewGuid(), "reader");
        consumer.Subscribe(TopicNames.Alerts);
        var list = new List<AlertEvent>();
        var idle = DateTime.UtcNow.AddSeconds(5);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < idle && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            list.Add(GdsJson.Deserialize<AlertEvent>(r.Message.Value));
            idle = DateTime.UtcNow.AddSeconds(3);
        }
        return list;
    }

    public static async Task Eventually(Func<bool> condition, string what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
