using System.Collections.Concurrent;
using Confluent.Kafka;
using Gds.Contracts.Alerts;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>Every record on gds.alerts, read from the beginning by a group-less consumer, with when it arrived.</summary>
internal sealed class AlertLog : IAsyncDisposable
{
    private readonly ConcurrentQueue<Received> _records = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    public sealed record Received(DateTime At, int Partition, long Offset, AlertEvent Event);

    public AlertLog(KafkaClientFactory clients, int partitions)
    {
        _reader = Task.Factory.StartNew(() =>
        {
            using var consumer = clients.CreateByteConsumer("alert-log-" + Guid.NewGuid().ToString("N"), "alert-log");
            consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(TopicNames.Alerts, p, Offset.Beginning)));
            while (!_stop.IsCancellationRequested)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (r?.Message?.Value is { } v)
                    _records.Enqueue(new Received(DateTime.UtcNow, r.Partition.Value, r.Offset.Value, GdsJson.Deserialize<AlertEvent>(v)));
            }
        }, TaskCreationOptions.LongRunning);
    }

    public IReadOnlyList<Received> Records => _records.ToArray();

    public async Task WaitAsync(Func<IReadOnlyList<Received>, bool> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Records))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {timeout} waiting for {what} ({Records.Count} alert records so far)\n{diagnostics?.Invoke()}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until nothing new has arrived for <paramref name="quiet"/>.</summary>
    public async Task SettleAsync(TimeSpan quiet, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var count = -1;
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            var now = _records.Count;
            if (now != count) { count = now; since = DateTime.UtcNow; }
            else if (DateTime.UtcNow - since >= quiet) return;
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader;
        _stop.Dispose();
    }
}
