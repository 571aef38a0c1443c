using Gds.Cli.Commands.Rules;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;
using Gds.Topology;
using Spectre.Console;

namespace Gds.Bench.Commands;

public sealed class BenchScaleOutSettings : BenchWorkloadSettings
{
    [CommandOption("--processes <LIST>")] [Description("Runs, each with this many gds streams processes sharing the partitions (default 1,2,3).")] [DefaultValue("1,2,3")]
    public string Processes { get; init; } = "1,2,3";

    [CommandOption("--metrics <N>")] [Description("Metric records measured per run (default 300,000: the embedded broker keeps about 450,000 per topic).")] [DefaultValue(300_000)]
    public int Metrics { get; init; } = 300_000;

    [CommandOption("--warmup <N>")] [Description("Metrics each run's processes take before the measured ones, so that they do not pay for JIT compilation (default 60,000).")] [DefaultValue(60_000)]
    public int Warmup { get; init; } = 60_000;

    [CommandOption("--partitions <N>")] [Description("Partitions of the metric topic (default 6: shared evenly by 1, 2 or 3 processes).")] [DefaultValue(6)]
    public int Partitions { get; init; } = 6;

    public IReadOnlyList<int> ProcessCounts =>
        Processes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();

    public override ValidationResult Validate()
    {
        if (!Processes.Split(',', StringSplitOptions.RemoveEmptyEntries).All(p => int.TryParse(p.Trim(), out var n) && n >= 1))
            return ValidationResult.Error($"--processes: '{Processes}' is not a list of counts (use e.g. 1,2,3)");
        return Partitions < 1 || Metrics < 1 ? ValidationResult.Error("--partitions and --metrics must be at least 1") : ValidationResult.Success();
    }
}

/// <summary>
/// `gds bench scale-out`: metrics/s through the alerting topology run as 1, 2, 3… separate `gds streams` processes
/// sharing the partitions of one metric topic on the embedded broker (which this process hosts), as users scale out.
/// A run times from the first measured record produced to the alert of an end marker behind the last record of every
/// partition (partitions are processed in order, so each marker's alert means its partition is done).
/// </summary>
public sealed class BenchScaleOutCommand : AsyncCommand<BenchScaleOutSettings>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public override async Task<int> ExecuteAsync(CommandContext context, BenchScaleOutSettings s, CancellationToken cancellationToken)
    {
        using var broker = EmbeddedBroker.Start(initialRebalanceDelay: TimeSpan.FromSeconds(3));
        var topics = new EmbeddedTopicCreator(broker);
        await topics.EnsureAsync(TopicCatalog.Standard(s.Partitions), cancellationToken);
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        await RulePublisher.PublishAsync(clients, BenchStreamsCommand.BuildRules(s.Rules).ToList(), prune: false, cancellationToken);
        var payloads = BenchStreamsCommand.BuildPayloads(s.Metrics, s.Instances);
        var warmup = BenchStreamsCommand.BuildPayloads(s.Warmup, s.Instances);
        Console.WriteLine($"bench scale-out: {s.Metrics:N0} metrics per run (after {s.Warmup:N0} of warm-up), {s.Rules:N0} rules, {s.Instances:N0} instances, {s.Partitions} partitions, {Environment.ProcessorCount} cores; each gds streams process has 1 stream thread");
        using var alerts = clients.CreateByteConsumer("bench-scale-out", "bench-scale-out");
        alerts.Assign(Enumerable.Range(0, s.Partitions).Select(p => new TopicPartitionOffset(TopicNames.Alerts, p, Offset.End)));

        var root = Path.Combine(Path.GetTempPath(), "gds-bench-scale-out-" + Guid.NewGuid().ToString("N"));
        var results = new List<string>();
        try
        {
            foreach (var n in s.ProcessCounts)
            {
                var line = await RunAsync(n, s, broker, topics, clients, alerts, payloads, warmup, root, cancellationToken);
                Console.WriteLine(line);
                results.Add(line);
            }
        }
        finally
        {
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
        return ExitCodes.Ok;
    }

    private static async Task<string> RunAsync(int n, BenchScaleOutSettings s, EmbeddedBroker broker, ITopicCreator topics, KafkaClientFactory clients,
        IConsumer<byte[], byte[]> alerts, List<(string Key, byte[] Value)> payloads, List<(string Key, byte[] Value)> warmup, string root, CancellationToken ct)
    {
        // Each run has its own metric topic and application id: it starts from nothing, like a fresh deployment.
        var topic = $"gds.metrics.postgresql.scale{n}";
        var app = $"gds-bench-scale-{n}";
        await topics.EnsureAsync(AlertingTopology.InternalTopics(app, s.Partitions).Append(new TopicSpec(topic, s.Partitions)), ct);
        var processes = Enumerable.Range(1, n).Select(i => StreamsProcess.Start([
            "streams", "--bootstrap", broker.BootstrapServers, "--application-id", app, "--metric-topics", topic,
            "--state-dir", Path.Combine(root, app, i.ToString()), "--session-timeout", "6s"])).ToList();
        try
        {
            await UntilAsync(() => processes.All(p => p.Wrote("running:"))
                                   && processes.SelectMany(p => p.OwnedPartitions()).Distinct().Count() == s.Partitions
                                   && processes.Count(p => p.OwnedPartitions().Count > 0) == Math.Min(n, s.Partitions),
                $"{n} process(es) to share the partitions", processes, ct);

            BenchStreamsCommand.ProduceAll(clients, topic, warmup);
            await UntilMarkersAsync(clients, alerts, topic, s.Partitions, $"warm{n}", processes, ct);

            var cpu0 = processes.Sum(p => p.Cpu.TotalMilliseconds);
            var sw = Stopwatch.StartNew();
            BenchStreamsCommand.ProduceAll(clients, topic, payloads);
            await UntilMarkersAsync(clients, alerts, topic, s.Partitions, $"end{n}", processes, ct);
            var elapsed = sw.Elapsed;
            var cpu = processes.Sum(p => p.Cpu.TotalMilliseconds) - cpu0;
            var rate = payloads.Count / elapsed.TotalSeconds;
            var owned = string.Join(" ", processes.Select(p => p.OwnedPartitions().Count));
            return $"{n} process{(n == 1 ? "" : "es"),-3} {rate,9:N0} metrics/s ({payloads.Count:N0} in {elapsed.TotalSeconds:F1} s), {cpu * 1000 / payloads.Count:F1} µs CPU per metric in gds streams, partitions per process: {owned}";
        }
        finally
        {
            await Task.WhenAll(processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(30))));
            foreach (var p in processes) p.Dispose();
        }
    }

    /// <summary>One breaching marker behind the records of every partition; waits until each has alerted.</summary>
    private static async Task UntilMarkersAsync(KafkaClientFactory clients, IConsumer<byte[], byte[]> alerts, string topic, int partitions, string tag,
        List<StreamsProcess> processes, CancellationToken ct)
    {
        var markers = Enumerable.Range(0, partitions)
            .Select(p => Enumerable.Range(0, 10_000).Select(i => $"lat-{tag}-{p}-{i}").First(name => KeyPartitioner.PartitionFor(name, partitions) == p))
            .ToHashSet();
        using (var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("bench-marker")).Build())
        {
            foreach (var m in markers)
                producer.Produce(topic, new Message<string, byte[]>
                {
                    Key = m,
                    Value = GdsJson.Serialize(new Metric
                    {
                        Timestamp = DateTimeOffset.UtcNow, DatabaseType = "postgresql", InstanceId = m, MetricName = "bench_metric_000", Value = 100,
                        Tags = new Dictionary<string, string> { ["environment"] = "production" },
                    }),
                });
            producer.Flush(ct);
        }
        var deadline = DateTime.UtcNow + Patience;
        while (markers.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > deadline || processes.Any(p => p.HasExited))
                throw new TimeoutException($"{markers.Count} marker alert(s) did not come\n{string.Join("\n---\n", processes.Select(p => p.Tail()))}");
            if (alerts.Consume(TimeSpan.FromMilliseconds(20)) is { Message.Value: { } v })
                markers.Remove(GdsJson.Deserialize<AlertEvent>(v).InstanceId);
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string what, List<StreamsProcess> processes, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || processes.Any(p => p.HasExited))
                throw new TimeoutException($"waiting for {what}\n{string.Join("\n---\n", processes.Select(p => p.Tail()))}");
            await Task.Delay(200, ct);
        }
    }
}
