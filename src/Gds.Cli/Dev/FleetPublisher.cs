using Confluent.Kafka;
using Gds.Cli.Dev.Fleet;
using Gds.Contracts.Heartbeats;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;

namespace Gds.Cli.Dev;

/// <summary>
/// Scrapes the synthetic fleet once an interval, in real time, and publishes what a collector would: each target's
/// records on its metric topic keyed by instance_id, and the fleet's heartbeat on gds.heartbeats keyed by its
/// collector id.
/// </summary>
public sealed class FleetPublisher(SyntheticFleet fleet, KafkaClientFactory clients, TimeSpan interval)
{
    private long _published, _failed;

    public long Published => Interlocked.Read(ref _published);
    public long Failed => Interlocked.Read(ref _failed);

    public async Task RunAsync(CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig(SyntheticFleet.CollectorId)).Build();
        var start = DateTimeOffset.UtcNow;
        long tick = 0;
        using var timer = new PeriodicTimer(interval);
        do
        {
            var at = start + interval * tick;
            var scrape = fleet.Scrape(at, at - start);
            foreach (var m in scrape.Metrics) Produce(producer, m);
            Beat(producer, scrape.Heartbeat);
            tick++;
        } while (await Next(timer, ct));
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    private void Produce(IProducer<string, byte[]> producer, Metric m)
    {
        var msg = new Message<string, byte[]> { Key = m.InstanceId, Value = clients.Codec.Encode(TopicNames.Metrics(m.DatabaseType, m.Environment), m), Timestamp = new Timestamp(m.Timestamp) };
        producer.Produce(TopicNames.Metrics(m.DatabaseType, m.Environment), msg, r =>
        {
            if (r.Error.IsError) Interlocked.Increment(ref _failed);
            else Interlocked.Increment(ref _published);
        });
    }

    /// <summary>As a collector's publisher sends it: straight to the compacted topic, nothing counted.</summary>
    private void Beat(IProducer<string, byte[]> producer, Heartbeat heartbeat) =>
        producer.Produce(TopicNames.Heartbeats, new Message<string, byte[]> { Key = heartbeat.CollectorId, Value = clients.Codec.Encode(TopicNames.Heartbeats, heartbeat) });

    private static async Task<bool> Next(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
