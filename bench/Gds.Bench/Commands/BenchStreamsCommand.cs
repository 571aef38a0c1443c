using Gds.Cli.Commands.KafkaBroker;
using Gds.Cli.Commands.Rules;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;
using Gds.Contracts.Rules;
using Gds.Topology;
using Gds.Topology.Hosting;

namespace Gds.Bench.Commands;

public sealed class BenchStreamsSettings : BenchWorkloadSettings
{
    [CommandOption("--metrics <N>")] [Description("Metric records pushed through the topology (default 400,000: the embedded broker keeps about 450,000 such records per topic).")] [DefaultValue(400_000)]
    public int Metrics { get; init; } = 400_000;

    [CommandOption("--partitions <N>")] [Description("Partitions of the metric topic (default 4: two tasks for each of two threads).")] [DefaultValue(4)]
    public int Partitions { get; init; } = 4;

    [CommandOption("--threads <N>")] [Description("Stream threads (default 2: one per core of the 2-core reference machine).")] [DefaultValue(2)]
    public int Threads { get; init; } = 2;

    [CommandOption("--max-poll <N>")] [Description("Records per poll (default 500).")] [DefaultValue(500)]
    public int MaxPoll { get; init; } = 500;


    [CommandOption("--warmup <N>")] [Description("Metrics pushed through a throw-away topology first, so the measured run does not pay for JIT compilation (default 150,000; 0 = none).")] [DefaultValue(150_000)]
    public int Warmup { get; init; } = 150_000;

    [CommandOption("--grace <TIME>")] [Description("Grace period for late samples, as in gds streams --grace (default 0s: every in-order sample is folded at once).")] [DefaultValue("0s")]
    public string Grace { get; init; } = "0s";

    [CommandOption("--commit-interval <TIME>")] [Description("How often offsets are committed, as gds streams --commit-interval (default 500ms, its default): a commit flushes every store and the producer.")] [DefaultValue("500ms")]
    public string CommitInterval { get; init; } = "500ms";

    public override Spectre.Console.ValidationResult Validate() =>
        (DurationOptions.Problem("--grace", Grace, "5s") ?? DurationOptions.Problem("--commit-interval", CommitInterval, "500ms")
            ?? (Format is "json" or "avro" ? null : $"--format: '{Format}' is not one of json, avro")) is { } problem
            ? Spectre.Console.ValidationResult.Error(problem)
            : base.Validate();

    [CommandOption("--anomaly-series <N>")] [Description("Instead of the topology run: N live series of a default anomaly rule, reporting memory per series (managed heap and encoded state) and their evaluation rate.")] [DefaultValue(0)]
    public int AnomalySeries { get; init; }

    [CommandOption("--format <FORMAT>")] [Description("json (default) or avro: the metric records, and everything the topology writes, in Avro through an in-process schema registry (as gds dev --format avro).")] [DefaultValue("json")]
    public string Format { get; init; } = "json";

    public bool Avro => string.Equals(Format, "avro", StringComparison.OrdinalIgnoreCase);

    [CommandOption("--latency-samples <N>")] [Description("Breaching metrics sent one by one to time produce → alert (default 500).")] [DefaultValue(500)]
    public int LatencySamples { get; init; } = 500;
}

/// <summary>
/// `gds bench streams`: metrics/s through the whole topology next to the raw producer rate on the same embedded
/// broker, produce→alert latency percentiles and peak RSS. Figures, not a test: quote ratios from one run.
/// </summary>
public sealed class BenchStreamsCommand : AsyncCommand<BenchStreamsSettings>
{
    private const string MetricTopic = "gds.metrics.postgresql.production";
    private const string WarmupTopic = "gds.metrics.postgresql.warmup";
    private static readonly int MetricNames = 100;

    public override async Task<int> ExecuteAsync(CommandContext context, BenchStreamsSettings s, CancellationToken cancellationToken)
    {
        if (s.AnomalySeries > 0)
        {
            AnomalySeriesBench.Run(s.AnomalySeries);
            return ExitCodes.Ok;
        }
        using var broker = EmbeddedBroker.Start(initialRebalanceDelay: s.Threads > 1 ? TimeSpan.FromSeconds(2) : TimeSpan.Zero);
        var topics = new EmbeddedTopicCreator(broker);
        await topics.EnsureAsync(DevTopics.All(s.Partitions).Append(new TopicSpec("bench.raw", s.Partitions)).Append(new TopicSpec(WarmupTopic, s.Partitions)), cancellationToken);
        await using var registry = s.Avro ? await Gds.Schemas.Registry.EmbeddedSchemaRegistry.StartAsync(cancellationToken: cancellationToken) : null;
        using var codec = registry is null ? null : Gds.Kafka.Wire.RecordCodec.ForRegistry(registry.Url);
        var clients = new KafkaClientFactory(broker.BootstrapServers, codec: codec);
        Console.WriteLine($"bench streams: {s.Metrics:N0} metrics, {s.Rules:N0} rules, {s.Instances:N0} instances, {s.Partitions} partitions, {s.Threads} thread(s), max poll {s.MaxPoll}, {Environment.ProcessorCount} cores, {clients.Codec.Format} records");

        var json = BuildPayloads(s.Metrics, s.Instances);
        var payloads = codec is null ? json : json.Select(p => (Key: p.Key, Value: codec.Encode(MetricTopic, p.Value))).ToList();
        if (codec is not null)
            Console.WriteLine($"record size:         {json.Average(p => p.Value.Length):F0} B as JSON, {payloads.Average(p => p.Value.Length):F0} B as Avro");
        // A round takes well under a second, so one round is at the mercy of whatever else the machine does: take
        // the best of three. (Later rounds also pay for the broker dropping the oldest records past its size cap,
        // so the best is the raw rate at its most flattering, the stricter yardstick for the ratio.)
        var rounds = Enumerable.Range(0, 3).Select(_ => ProduceAll(clients, "bench.raw", payloads)).ToList();
        var raw = rounds.Max();
        Console.WriteLine($"raw producer:        {raw:N0} records/s (best of {string.Join(", ", rounds.Select(r => r.ToString("N0")))})");

        var rules = BuildRules(s.Rules).ToList();
        EngineOnly(rules, json); // the first pass pays for JIT compilation
        Console.WriteLine($"engine alone:        {EngineOnly(rules, json):N0} metrics/s (read JSON + evaluate, in-memory state, no Kafka)");
        await RulePublisher.PublishAsync(clients, rules, prune: false, cancellationToken);
        ProduceAll(clients, MetricTopic, payloads);
        if (s.Warmup > 0) ProduceAll(clients, WarmupTopic, payloads.Take(s.Warmup).ToList());
        // The embedded broker silently drops the oldest records past a per-partition size cap: count what it kept.
        var retained = Retained(clients, MetricTopic, s.Partitions);
        if (retained < s.Metrics) Console.WriteLine($"note: the embedded broker kept {retained:N0} of {s.Metrics:N0} records (its size cap); measuring those");

        var stateDir = Path.Combine(Path.GetTempPath(), "gds-bench-" + Guid.NewGuid().ToString("N"));
        var grace = DurationText.Parse(s.Grace, "--grace");
        // Streamiz leaves some clients of a disposed stream running; once the figures are out, their complaints
        // about the broker going away are noise.
        var finished = false;
        using var logs = Logging.Create(Microsoft.Extensions.Logging.LogLevel.Warning, () => Volatile.Read(ref finished));
        StreamsHost NewHost(string applicationId, string topic) => new(new StreamsHostOptions
        {
            BootstrapServers = broker.BootstrapServers, ApplicationId = applicationId, StateDir = stateDir, MetricTopics = [topic],
            StreamThreads = s.Threads, Topology = new TopologyOptions { Grace = grace }, CommitInterval = DurationText.Parse(s.CommitInterval, "--commit-interval"),
            MaxPollRecords = s.MaxPoll, Codec = clients.Codec,
        }, topics, logs);

        if (s.Warmup > 0)
        {
            var warmupRetained = Retained(clients, WarmupTopic, s.Partitions);
            Console.WriteLine($"warm-up:             {warmupRetained:N0} metrics through a throw-away topology (JIT compilation)...");
            await using var warm = NewHost("gds-bench-warmup", WarmupTopic);
            await RunUntilEvaluated(warm, warmupRetained, cancellationToken);
        }

        await using var host = NewHost("gds-streams", MetricTopic);
        Console.WriteLine("starting the topology...");
        var (elapsed, cpu, streamCpu) = await RunUntilEvaluated(host, retained, cancellationToken);
        var pipeline = host.Counters.Samples / elapsed.TotalSeconds;
        Console.WriteLine($"topology:            {pipeline:N0} metrics/s ({host.Counters.Samples:N0} in {elapsed.TotalSeconds:F1} s, {host.Counters.Firing:N0} alerts fired, grace {s.Grace})");
        Console.WriteLine($"ratio:               {pipeline / raw:P1} of the raw producer rate");
        Console.WriteLine($"cpu per metric:      {cpu.TotalMicroseconds / retained:F1} µs in the whole process (broker included), {streamCpu.TotalMicroseconds / retained:F1} µs on the stream thread(s)");

        var latencies = await MeasureLatency(clients, host, s.LatencySamples, cancellationToken);
        if (latencies.Count > 0)
            Console.WriteLine($"produce→alert:       p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms over {latencies.Count} alerts");
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"peak RSS:            {self.PeakWorkingSet64 / (1024 * 1024):N0} MiB (broker, producer and topology in one process)");
        Volatile.Write(ref finished, true);
        try { Directory.Delete(stateDir, true); } catch (IOException) { }
        return ExitCodes.Ok;
    }

    /// <summary>Starts the host and waits until it has evaluated <paramref name="count"/> metrics; times only the processing.</summary>
    private static async Task<(TimeSpan Elapsed, TimeSpan ProcessCpu, TimeSpan StreamThreadCpu)> RunUntilEvaluated(StreamsHost host, long count, CancellationToken ct)
    {
        await host.StartAsync(ct);
        await host.WaitUntilRunningAsync(TimeSpan.FromSeconds(120), ct);
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var stream0 = ThreadCpu.Of("gds-streams");
        var sw = Stopwatch.StartNew();
        while (host.Counters.Samples < count && sw.Elapsed < TimeSpan.FromMinutes(10))
            await Task.Delay(20, ct);
        var elapsed = sw.Elapsed;
        self.Refresh();
        return (elapsed, self.TotalProcessorTime - cpu0, ThreadCpu.Of("gds-streams") - stream0);
    }

    /// <summary>The bench's metrics: <paramref name="metrics"/> samples over <paramref name="instances"/> instances and 100 metric names.</summary>
    internal static List<(string Key, byte[] Value)> BuildPayloads(int metrics, int instances)
    {
        var rng = new Random(1);
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var list = new List<(string, byte[])>(metrics);
        var tags = new Dictionary<string, string> { ["environment"] = "production", ["region"] = "us-east-1" };
        for (var i = 0; i < metrics; i++)
        {
            var instance = $"db-{i % instances:00000}";
            var m = new Metric
            {
                Timestamp = t0.AddMilliseconds(i / instances * 1000.0),
                DatabaseType = "postgresql",
                InstanceId = instance,
                MetricName = $"bench_metric_{(i / instances) % MetricNames:000}",
                Value = rng.NextDouble() * 100,
                Tags = tags,
            };
            list.Add((instance, GdsJson.Serialize(m)));
        }
        return list;
    }

    /// <summary>Rules spread over the metric names and instance ranges: each sample meets about rules/names rules' index entries.</summary>
    /// <summary>The bench's rules; "bench-latency" fires on any lat-* instance's bench_metric_000 above 99.5.</summary>
    internal static IEnumerable<Rule> BuildRules(int count)
    {
        yield return new Rule
        {
            Id = "bench-latency", Kind = RuleKinds.Threshold, Op = ">", Value = 99.5, Severity = Severities.Warning,
            Selector = new RuleSelector { Metric = "bench_metric_000", Instance = "lat-*" },
        };
        for (var i = 0; i < count; i++)
            yield return new Rule
            {
                Id = $"bench-{i:0000}",
                Kind = RuleKinds.Threshold,
                Selector = new RuleSelector { Metric = $"bench_metric_{i % MetricNames:000}", DatabaseType = "postgresql", Instance = $"db-0{i / MetricNames % 10}*" },
                Op = ">",
                Value = 99.5,
                Severity = Severities.Warning,
            };
    }

    /// <summary>The same work without Kafka or Streamiz, to tell our cost from the framework's.</summary>
    private static double EngineOnly(List<Rule> rules, List<(string Key, byte[] Value)> payloads)
    {
        var book = new Gds.Alerting.Rules.RuleBook();
        foreach (var r in rules) book.Upsert(Gds.Alerting.Rules.CompiledRule.Compile(r));
        var engine = new Gds.Alerting.Engine.AlertEngine(book);
        var store = new Gds.Alerting.State.InMemorySeriesStateStore();
        var events = new List<AlertEvent>();
        var parser = new Gds.Alerting.Backtest.MetricLineParser();
        var sw = Stopwatch.StartNew();
        foreach (var (_, v) in payloads)
        {
            Gds.Topology.Evaluation.MetricReader.TryRead(parser, v, out var m, out _);
            engine.OnSample(m, store, events);
            events.Clear();
        }
        return payloads.Count / sw.Elapsed.TotalSeconds;
    }

    private static long Retained(KafkaClientFactory clients, string topic, int partitions)
    {
        using var consumer = clients.CreateByteConsumer("bench-probe", "bench-probe");
        long total = 0;
        for (var p = 0; p < partitions; p++)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            total += w.High.Value - w.Low.Value;
        }
        return total;
    }

    internal static double ProduceAll(KafkaClientFactory clients, string topic, List<(string Key, byte[] Value)> payloads)
    {
        var config = clients.ProducerConfig("bench");
        config.LingerMs = 20;
        config.BatchNumMessages = 10_000;
        config.QueueBufferingMaxMessages = 1_000_000;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        var sw = Stopwatch.StartNew();
        foreach (var (k, v) in payloads)
        {
            while (true)
            {
                try { producer.Produce(topic, new Message<string, byte[]> { Key = k, Value = v }); break; }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(5)); }
            }
        }
        producer.Flush(TimeSpan.FromMinutes(5));
        return payloads.Count / sw.Elapsed.TotalSeconds;
    }

    private static async Task<List<double>> MeasureLatency(KafkaClientFactory clients, StreamsHost host, int samples, CancellationToken ct)
    {
        using var consumer = clients.CreateByteConsumer("bench-latency", "bench");
        consumer.Subscribe(TopicNames.Alerts);
        var sent = new Dictionary<string, long>();
        var latencies = new List<double>();
        using var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("bench-latency")).Build();
                // Wait for the group assignment so the first alerts are not missed.
        var warm = Stopwatch.StartNew();
        while (consumer.Assignment.Count == 0 && warm.Elapsed < TimeSpan.FromSeconds(30)) consumer.Consume(TimeSpan.FromMilliseconds(100));
        while (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not null) { }
        for (var i = 0; i < samples; i++)
        {
            var instance = $"lat-{i:00000}";
            var m = new Metric
            {
                Timestamp = DateTimeOffset.UtcNow, DatabaseType = "postgresql", InstanceId = instance, MetricName = "bench_metric_000",
                Value = 100, Tags = new Dictionary<string, string> { ["environment"] = "production" },
            };
            sent[instance] = Stopwatch.GetTimestamp();
            producer.Produce(MetricTopic, new Message<string, byte[]> { Key = instance, Value = clients.Codec.Encode(MetricTopic, m) });
            producer.Flush(ct);
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(50));
                if (r is null) continue;
                var e = clients.Codec.Decode<AlertEvent>(TopicNames.Alerts, r.Message.Value);
                if (e.InstanceId == instance)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent[instance]).TotalMilliseconds);
                    break;
                }
            }
        }
        return latencies;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }
}
