using System.Collections.Concurrent;
using Confluent.Kafka;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// Metrics in rounds, as collectors publish them: every round, one pg_connections_used_ratio sample per instance at
/// the round's event time (10 s apart). The test sets what each instance reports; probe instances, one per
/// partition, alternate between breaching and healthy every round, so each round makes every partition emit an
/// event: when they stop, that partition is not being processed.
/// </summary>
internal sealed class MetricLoad : IAsyncDisposable
{
    public const string Topic = "gds.metrics.postgresql.production";
    public const double Breaching = 0.95;
    public const double Healthy = 0.10;
    public static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentDictionary<string, double> _values = new(StringComparer.Ordinal);
    private readonly IProducer<string, byte[]> _producer;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private int _round;

    public IReadOnlyList<string> Probes { get; }
    public int Rounds => Volatile.Read(ref _round);

    public MetricLoad(KafkaClientFactory clients, int partitions)
    {
        _producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("metric-load")).Build();
        Probes = Enumerable.Range(0, partitions)
            .Select(p => Enumerable.Range(0, 1000).Select(i => $"probe-{p}-{i}").First(n => KeyPartitioner.PartitionFor(n, partitions) == p))
            .ToList();
    }

    public static bool IsProbe(string instance) => instance.StartsWith("probe-", StringComparison.Ordinal);

    /// <summary>The metric partition a probe's samples go to (gds.alerts is partitioned by Streamiz's own partitioner).</summary>
    public static int? PartitionOfProbe(string instance) =>
        IsProbe(instance) ? int.Parse(instance.Split('-')[1]) : null;

    public void Set(IEnumerable<string> instances, double value)
    {
        foreach (var i in instances) _values[i] = value;
    }

    /// <summary>Produces a round every <paramref name="every"/> until <see cref="StopAsync"/> (again after a stop).</summary>
    public void Start(TimeSpan every)
    {
        if (_loop is not null) return;
        var stop = _stop = new CancellationTokenSource();
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(every);
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false)) ProduceRound();
        });
    }

    /// <summary>One round now (also usable without the loop).</summary>
    public void ProduceRound()
    {
        var round = Interlocked.Increment(ref _round);
        var at = T0.AddSeconds(10 * round);
        foreach (var probe in Probes) Produce(probe, round % 2 == 0 ? Breaching : Healthy, at);
        foreach (var (instance, value) in _values) Produce(instance, value, at);
        _producer.Flush(TimeSpan.FromSeconds(10));
    }

    private void Produce(string instance, double value, DateTimeOffset at) =>
        _producer.Produce(Topic, new Message<string, byte[]>
        {
            Key = instance,
            Value = GdsJson.Serialize(new Metric
            {
                Timestamp = at, DatabaseType = "postgresql", InstanceId = instance, MetricName = "pg_connections_used_ratio", Value = value,
                Tags = new Dictionary<string, string> { ["environment"] = "production" },
            }),
        });

    /// <summary>
    /// A round now, without the loop, or two: every instance reports its value, and the probes, which flip each round,
    /// end healthy (an odd round), so that the alerts firing afterwards are the test's own.
    /// </summary>
    public void Round()
    {
        do ProduceRound();
        while (Rounds % 2 == 0);
    }

    public async Task StopAsync()
    {
        if (_loop is null || _stop is null) return;
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
        (_loop, _stop) = (null, null);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _producer.Dispose();
    }
}
