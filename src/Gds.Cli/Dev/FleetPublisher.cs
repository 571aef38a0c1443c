using Confluent.Kafka;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;

namespace Gds.Cli.Dev;

/// <summary>Publishes the synthetic fleet's samples once a second, in real time, keyed by instance_id.</summary>
public sealed class FleetPublisher(SyntheticFleet fleet, KafkaClientFactory clients, TimeSpan interval)
{
    private long _published, _failed;

    public long Published => Interlocked.Read(ref _published);
    public long Failed => Interlocked.Read(ref _failed);

    public async Task RunAsync(CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("gds-dev-fleet")).Build();
        var start = DateTimeOffset.UtcNow;
        long tick = 0;
        using var timer = new PeriodicTimer(interval);
        do
        {
            var at = start + interval * tick;
            foreach (var m in fleet.Sample(at, at - start, tick))
                Produce(producer, m);
            tick++;
        } while (await Next(timer, ct));
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    private void Produce(IProducer<string, byte[]> producer, Metric m)
    {
        var msg = new Message<string, byte[]> { Key = m.InstanceId, Value = GdsJson.Serialize(m), Timestamp = new Timestamp(m.Timestamp) };
        producer.Produce(TopicNames.Metrics(m.DatabaseType, m.Environment), msg, r =>
        {
            if (r.Error.IsError) Interlocked.Increment(ref _failed);
            else Interlocked.Increment(ref _published);
        });
    }

    private static async Task<bool> Next(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
