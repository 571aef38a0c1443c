using System.Text;
using Gds.Contracts.Alerts;
using Gds.Notify;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Gds.Bench.Commands;

/// <summary>
/// `gds bench sink`: notifications/s from gds.alerts through the whole sink (Refit client, resilience pipelines,
/// rate limiter, bulkheads, commits) to a local receiver that answers at once and then with a fixed latency. Each
/// run gets a fresh embedded broker (or, with --bootstrap, fresh topics on that cluster) with the events already
/// in the topic, so the figure is the sink's alone.
/// </summary>
public sealed class BenchSinkCommand : AsyncCommand<BenchSinkCommand.Settings>
{
    public sealed class Settings : KafkaSettings
    {
        [CommandOption("--events <N>")]
        [Description("Alert events per run (default 20000).")]
        public int Events { get; init; } = 20_000;

        [CommandOption("--latency-ms <LIST>")]
        [Description("Receiver latencies to run, comma-separated milliseconds (default 0,50).")]
        public string Latencies { get; init; } = "0,50";

        [CommandOption("--routes <N>")]
        [Description("Routing keys the events are spread over (default 4).")]
        public int Routes { get; init; } = 4;

        [CommandOption("--concurrency <N>")]
        [Description("Sink:Bulkhead:MaxConcurrencyPerRoute (default: the sink's default).")]
        public int? Concurrency { get; init; }

        [CommandOption("--partitions <N>")]
        [Description("Partitions of gds.alerts (default 6).")]
        public int Partitions { get; init; } = 6;

        public IReadOnlyList<int> LatencyList => Latencies.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();

        public override ValidationResult Validate()
        {
            var basic = base.Validate();
            if (!basic.Successful) return basic;
            if (Events < 1 || Routes < 1 || Partitions < 1) return ValidationResult.Error("--events, --routes and --partitions must be at least 1");
            if (Concurrency is < 1) return ValidationResult.Error("--concurrency must be at least 1");
            if (Latencies.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Any(l => !int.TryParse(l, out var v) || v < 0))
                return ValidationResult.Error($"--latency-ms: '{Latencies}' is not a comma-separated list of milliseconds");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var stop = Shutdown.OnSignals(cancellationToken);
        using var logs = Logging.Create(LogLevel.Warning);
        var table = new Table().AddColumns("receiver latency", "events", "wall time", "notifications/s", "steady notifications/s", "duplicates", "CPU s");
        foreach (var latency in settings.LatencyList)
        {
            var r = await RunOnceAsync(settings, TimeSpan.FromMilliseconds(latency), logs, stop.Token);
            Console.WriteLine($"bench sink: latency {latency} ms: {r.Events:N0} events in {r.Wall.TotalSeconds:0.00} s = {r.PerSecond:N0} notifications/s " +
                              $"(steady {r.SteadyPerSecond:N0}/s; {r.Duplicates} duplicates; CPU {r.Cpu.TotalSeconds:0.0} s; producing took {r.Produce.TotalSeconds:0.00} s)");
            table.AddRow($"{latency} ms", r.Events.ToString("N0"), $"{r.Wall.TotalSeconds:0.00} s", r.PerSecond.ToString("N0"),
                r.SteadyPerSecond.ToString("N0"), r.Duplicates.ToString(), r.Cpu.TotalSeconds.ToString("0.0"));
        }
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }

    private sealed record RunResult(int Events, TimeSpan Wall, double PerSecond, double SteadyPerSecond, long Duplicates, TimeSpan Cpu, TimeSpan Produce);

    private static async Task<RunResult> RunOnceAsync(Settings settings, TimeSpan latency, ILoggerFactory logs, CancellationToken ct)
    {
        var external = settings.Bootstrap is not null || settings.BootstrapFile is not null;
        using var broker = external ? null : EmbeddedBroker.Start();
        var options = new SinkOptions { ClientId = "gds-bench-sink" };
        ITopicCreator topics;
        string bootstrap;
        if (broker is not null)
        {
            bootstrap = broker.BootstrapServers;
            topics = new EmbeddedTopicCreator(broker);
        }
        else
        {
            // A real cluster: topics of this run only, so the sink's group starts from their beginning. They are left behind.
            var clients = await Gds.Cli.Hosting.GdsHost.KafkaClientsAsync(settings, ct);
            bootstrap = clients.BootstrapServers;
            topics = new KafkaTopicCreator(clients);
            var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss");
            options.SourceTopic = $"gds.bench.alerts.{stamp}.{latency.TotalMilliseconds}ms";
            options.DeadLetterTopic = options.SourceTopic + ".dlq";
        }
        await topics.EnsureAsync([
            new TopicSpec(options.SourceTopic, settings.Partitions),
            new TopicSpec(options.DeadLetterTopic, 1),
        ], ct);
        var kafka = new KafkaClientFactory(bootstrap);
        var produce = await ProduceAsync(kafka, options.SourceTopic, settings.Events, settings.Routes, ct);

        await using var receiver = await BenchReceiver.StartAsync(latency, ct);
        options.NotifyUrl = receiver.BaseUrl;
        if (settings.Concurrency is { } c) options.Bulkhead.MaxConcurrencyPerRoute = c;
        using var sink = new NotificationSink(options, kafka, logs);
        using var runStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var run = sink.RunAsync(runStop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (sink.Stats.Notifications < settings.Events && !run.IsCompleted && DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
            await Task.Delay(10, CancellationToken.None);
        wall.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await runStop.CancelAsync();
        await run;
        if (sink.Stats.Notifications < settings.Events)
            throw new InvalidOperationException($"only {sink.Stats.Notifications} of {settings.Events} notifications delivered within the deadline: {sink.Stats}");
        var steady = receiver.SteadyRate;
        return new RunResult(settings.Events, wall.Elapsed, settings.Events / wall.Elapsed.TotalSeconds, steady, receiver.Duplicates, cpu, produce);
    }

    /// <summary>Half the events fire, half resolve, two per instance, so ordering per alert and the rate limit are exercised but never hold anything back.</summary>
    private static async Task<TimeSpan> ProduceAsync(KafkaClientFactory kafka, string topic, int events, int routes, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        using var producer = kafka.CreateByteProducer("gds-bench-sink-producer");
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var i = 0; i < events; i++)
        {
            var instance = $"bench-db-{i / 2:000000}";
            var e = new AlertEvent
            {
                EventId = $"bench-{i:0000000}",
                Status = i % 2 == 0 ? AlertStatus.Firing : AlertStatus.Resolved,
                RuleId = "bench-cpu-high",
                DedupKey = $"bench-cpu-high:{instance}:cpu_usage_percent",
                InstanceId = instance,
                MetricName = "cpu_usage_percent",
                DatabaseType = "postgresql",
                Environment = "production",
                Severity = i % 10 == 0 ? "CRITICAL" : "WARNING",
                Value = 91.5,
                Expected = "> 90",
                Summary = $"CPU above 90% on {instance}",
                RunbookUrl = "https://runbooks.example.org/pg-cpu",
                Labels = new Dictionary<string, string> { ["team"] = "dba" },
                RoutingKey = $"route-{i % routes}",
                StartsAt = start,
                EventTime = start.AddSeconds(i),
            };
            producer.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(instance), Value = GdsJson.Serialize(e) });
            if (i % 10_000 == 0) ct.ThrowIfCancellationRequested();
        }
        producer.Flush(ct);
        await Task.CompletedTask;
        return sw.Elapsed;
    }

    /// <summary>A loopback stand-in for gds_notification that answers 202 after a fixed latency and counts what it sees.</summary>
    private sealed class BenchReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TimeSpan _latency;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _seen = new();
        private long _duplicates, _first, _last, _count;

        private BenchReceiver(WebApplication app, TimeSpan latency)
        {
            _app = app;
            _latency = latency;
        }

        public string BaseUrl { get; private set; } = "";
        public long Duplicates => Interlocked.Read(ref _duplicates);

        /// <summary>Answers per second between the first and the last request: the rate once the sink is going.</summary>
        public double SteadyRate
        {
            get
            {
                var span = TimeSpan.FromTicks((long)((Interlocked.Read(ref _last) - Interlocked.Read(ref _first)) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));
                return span > TimeSpan.Zero ? (Interlocked.Read(ref _count) - 1) / span.TotalSeconds : 0;
            }
        }

        public static async Task<BenchReceiver> StartAsync(TimeSpan latency, CancellationToken ct)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new BenchReceiver(app, latency);
            app.MapPost("/ingest", receiver.IngestAsync);
            await app.StartAsync(ct);
            receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            return receiver;
        }

        private async Task<IResult> IngestAsync(HttpRequest request)
        {
            var n = await System.Text.Json.JsonSerializer.DeserializeAsync(request.Body, GdsJsonContext.Default.NotificationRequest);
            if (_latency > TimeSpan.Zero) await Task.Delay(_latency);
            if (n is null || !_seen.TryAdd(n.MessageId, 0)) Interlocked.Increment(ref _duplicates);
            var now = Stopwatch.GetTimestamp();
            Interlocked.CompareExchange(ref _first, now, 0);
            Interlocked.Exchange(ref _last, now);
            Interlocked.Increment(ref _count);
            return Results.Accepted();
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
