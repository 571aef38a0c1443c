using System.Text.Json;
using Gds.Alerting.Hygiene;
using Gds.Alerting.Rules;
using Gds.Cli.Commands.KafkaBroker;
using Gds.Cli.Commands.Rules;
using Gds.Cli.Dev;
using Gds.Cli.Dev.Fleet;
using Gds.Contracts.Rules;
using Gds.Kafka.Admin;
using Gds.Kafka.Embedded;
using Gds.Kafka.Wire;
using Gds.Notify;
using Gds.Topology;
using Gds.Topology.Hosting;
using Spectre.Console;

namespace Gds.Cli.Commands.Dev;

public sealed class DevSettings : Gds.Cli.Infrastructure.GdsSettings
{
    [CommandOption("--duration <TIME>")]
    [Description("Stop after this long (e.g. 60s, 5m); default: run until Ctrl-C.")]
    public string? Duration { get; init; }

    [CommandOption("--summary <FILE>")]
    [Description("Write a JSON summary here on exit.")]
    public string? Summary { get; init; }

    [CommandOption("--notify-url <URL>")]
    [Description("A real gds_notification base URL; default: an in-process receiver that prints each notification.")]
    public string? NotifyUrl { get; init; }

    [CommandOption("--partitions <N>")]
    [Description("Partitions of the metric and alert topics (default 3).")]
    [DefaultValue(3)]
    public int Partitions { get; init; } = 3;

    [CommandOption("--instances <N>")]
    [Description("Synthetic instances per database type (default 3).")]
    [DefaultValue(3)]
    public int Instances { get; init; } = 3;

    [CommandOption("--rules <PATH>")]
    [Description("Rules files or folders of them, repeatable; they replace the shipped packs (default: every file of examples/rules).")]
    public string[] Rules { get; init; } = [];

    [CommandOption("--time-scale <N>")]
    [Description("Run the rules' durations (for, keep_firing_for, timeouts, windows) N times faster (default 30: a 5m `for` waits 10s); 1 for real durations.")]
    [DefaultValue(DevRules.DefaultTimeScale)]
    public double TimeScale { get; init; } = DevRules.DefaultTimeScale;

    [CommandOption("--ui <HOST:PORT>")]
    [Description("Serve the dashboard (as `gds ui` does) on this address; default a free loopback port, printed at start.")]
    public string? Ui { get; init; }

    [CommandOption("--no-ui")]
    [Description("Run without the dashboard.")]
    public bool NoUi { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("json (default) or avro: every record in Avro (Confluent wire format), its schema in a schema registry this process serves, as a fleet with a Confluent Schema Registry runs.")]
    [DefaultValue("json")]
    public string Format { get; init; } = "json";

    public bool Avro => string.Equals(Format.Trim(), "avro", StringComparison.OrdinalIgnoreCase);

    [CommandOption("--no-watchdog")]
    [Description("Run without the dead man's switch (the sink pages when the topology stops sending heartbeats; Watchdog:Enabled).")]
    public bool NoWatchdog { get; init; }

    public override IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides()
    {
        foreach (var o in base.ConfigurationOverrides()) yield return o;
        if (NoWatchdog) yield return new($"{Gds.Notify.Watchdog.WatchdogOptions.SectionName}:Enabled", "false");
    }

    public TimeSpan? DurationValue => Duration is null ? null : DurationText.Parse(Duration, "--duration");

    public override ValidationResult Validate()
    {
        if (Duration is not null && DurationOptions.Problem("--duration", Duration, "60s, 5m") is { } problem) return ValidationResult.Error(problem);
        if (Partitions < 1) return ValidationResult.Error("--partitions must be at least 1");
        if (!Gds.Kafka.Configuration.KafkaOptions.Formats.Contains(Format.Trim().ToLowerInvariant()))
            return ValidationResult.Error($"--format: '{Format}' is not one of {string.Join(", ", Gds.Kafka.Configuration.KafkaOptions.Formats)}");
        if (Instances < 1) return ValidationResult.Error("--instances must be at least 1");
        if (!(TimeScale > 0) || double.IsInfinity(TimeScale)) return ValidationResult.Error($"--time-scale must be a positive number, not {TimeScale}");
        if (Ui is not null && NoUi) return ValidationResult.Error("--ui and --no-ui are mutually exclusive");
        if (Ui is not null && !Gds.Cli.Http.ListenAddress.TryParse(Ui, out _, out var uiProblem)) return ValidationResult.Error($"--ui: {uiProblem}");
        if (Ui is not null && Gds.Cli.Http.ListenAddress.TryParse(Ui, out var uiAt, out _) && !Gds.Ui.Web.UiAccess.IsLoopback(uiAt.Host) && Environment.GetEnvironmentVariable(Commands.Ui.UiSettings.TokenVariable) is not { Length: > 0 })
            return ValidationResult.Error($"--ui {Ui} is not a loopback address: set {Commands.Ui.UiSettings.TokenVariable} to the token every request must carry");
        if (NotifyUrl is not null && !Uri.TryCreate(NotifyUrl, UriKind.Absolute, out _)) return ValidationResult.Error($"--notify-url: '{NotifyUrl}' is not an absolute URL");
        return ValidationResult.Success();
    }
}

/// <summary>
/// `gds dev`: the whole system in one process on the embedded broker — synthetic fleet → metric topics →
/// alerting topology (the shipped rule packs, time-scaled) → gds.alerts → sink → a notification receiver — with live
/// progress. It runs on the same host as the other long-running verbs (gds.json's Hygiene and Sink sections apply),
/// with its own embedded broker instead of the Kafka section.
/// </summary>
public sealed class DevCommand : AsyncCommand<DevSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, DevSettings settings, CancellationToken cancellationToken)
    {
        var ruleSet = RuleSet.Read(settings.Rules.Length > 0 ? settings.Rules : [DevRules.PacksPath()]);
        if (!ruleSet.IsValid)
        {
            foreach (var e in ruleSet.AllErrors) Console.Error.WriteLine(e);
            return Task.FromResult(ExitCodes.Failed);
        }
        foreach (var warning in ruleSet.Files.SelectMany(RuleFileWarnings.Check)) Console.Error.WriteLine("warning: " + warning);

        var quiet = new DevService.Quiet();
        // Streamiz's clients outlive the stream by a moment and complain that the broker, stopped with the
        // process, is gone: noise at the end of every run, so it is muted once shutdown starts.
        var builder = GdsHost.CreateBuilder(settings, settings.Verbose ? null : LogLevel.Warning, () => quiet.Muted);
        builder.Services.AddGdsOptions<HygieneOptions, Streams.HygieneOptionsValidator>(HygieneOptions.Section);
        builder.Services.AddGdsOptions<Gds.Notify.Watchdog.WatchdogOptions, Gds.Notify.Watchdog.WatchdogOptionsValidator>(Gds.Notify.Watchdog.WatchdogOptions.SectionName);
        builder.Services.AddSingleton(new DevService.Job(settings, ruleSet, quiet));
        builder.Services.AddHostedService<DevService>();
        return GdsHost.RunAsync(builder, cancellationToken);
    }
}

/// <summary>The dev pipeline as a hosted service; --duration ends it as Ctrl-C or SIGTERM would.</summary>
public sealed class DevService(DevService.Job job, IOptions<HygieneOptions> hygiene, IOptions<Gds.Notify.Watchdog.WatchdogOptions> watchdogOptions, ILoggerFactory logs, VerbOutcome outcome, IHostApplicationLifetime lifetime)
    : VerbService(outcome, lifetime, logs.CreateLogger("gds.dev"))
{
    public sealed record Job(DevSettings Settings, RuleSet RuleSet, Quiet Quiet);

    /// <summary>Set once shutdown starts: from then on Streamiz's complaints about the departing broker are dropped.</summary>
    public sealed class Quiet
    {
        private volatile bool _muted;
        public bool Muted => _muted;
        public void Mute() => _muted = true;
    }

    protected override async Task<int> RunAsync(CancellationToken stopping)
    {
        var (settings, ruleSet) = (job.Settings, job.RuleSet);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (settings.DurationValue is { } d) cts.CancelAfter(d);
        var rules = DevRules.Scale(ruleSet.Rules, settings.TimeScale);
        var syntheticFleet = new SyntheticFleet(settings.Instances);

        using var broker = EmbeddedBroker.Start();
        var topics = new EmbeddedTopicCreator(broker);
        await topics.EnsureAsync(DevTopics.All(settings.Partitions), CancellationToken.None);
        // As gds kafka --schema-registry-file serves it: the registry Confluent's serializers talk to, in this process.
        await using var registry = settings.Avro ? await Gds.Schemas.Registry.EmbeddedSchemaRegistry.StartAsync(loggerFactory: logs) : null;
        using var codec = registry is null ? null : RecordCodec.ForRegistry(registry.Url);
        var clients = new KafkaClientFactory(broker.BootstrapServers, codec: codec);
        await RulePublisher.PublishAsync(clients, rules, prune: false, CancellationToken.None);
        if (ruleSet.InhibitRules.Count > 0) await RulePublisher.PublishInhibitRulesAsync(clients, ruleSet.InhibitRules, prune: false, CancellationToken.None);

        var stateDir = Path.Combine(Path.GetTempPath(), "gds-dev-" + Environment.ProcessId);
        var watchdog = watchdogOptions.Value.Enabled ? watchdogOptions.Value : null;
        var streams = new StreamsHost(new StreamsHostOptions { BootstrapServers = broker.BootstrapServers, StateDir = stateDir, Hygiene = hygiene.Value,
            Codec = clients.Codec, Topology = new TopologyOptions { HeartbeatInterval = watchdog?.Interval } }, topics, logs);
        await using var dashboard = settings.NoUi ? null : await StartDashboardAsync(settings, clients);
        await using var receiver = settings.NotifyUrl is null ? await LocalNotificationReceiver.StartAsync(CancellationToken.None) : null;
        var view = new DevView(settings.NotifyUrl ?? receiver!.BaseUrl, broker.BootstrapServers,
            (registry is null ? [] : new[] { $"gds dev: records in Avro, schemas at {registry.Url} (subjects: curl {registry.Url}/subjects)" }).Concat(DevIntro.Lines(ruleSet, settings.Rules.Length > 0 ? null : DevRules.PacksPath(), settings.TimeScale, syntheticFleet)).ToList(),
            dashboard?.Address);
        if (receiver is not null) receiver.Received += view.OnNotification;
        if (dashboard is not null) dashboard.Written += view.OnUiWrite;

        await streams.StartAsync(CancellationToken.None);
        await streams.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));

        // A real gds_notification takes its token from the environment as `gds sink` does; the local receiver made its own.
        var sinkOptions = receiver is null ? new SinkOptions { NotifyUrl = settings.NotifyUrl! } : new SinkOptions { NotifyUrl = receiver.BaseUrl, AuthToken = receiver.Token };
        sinkOptions.Watchdog = watchdog;
        var sink = new NotificationSink(sinkOptions, clients, logs);
        using var sinkStop = new CancellationTokenSource();
        var sinkRun = sink.RunAsync(sinkStop.Token);

        var fleet = new FleetPublisher(syntheticFleet, clients, DevRules.FleetInterval);
        var fleetRun = fleet.RunAsync(cts.Token);

        var progress = new DevProgress(fleet, streams, sink.Stats);
        await view.RunAsync(progress, cts.Token);

        await fleetRun;
        job.Quiet.Mute();
        await DrainAsync(streams, sink.Stats, TimeSpan.FromSeconds(15));
        // Counted once the fleet's alerts are delivered, before the sink and the topology stop: while they stop, the
        // fleet is silent for longer than the time-scaled absence timeouts (5 s), and the absence alerts that then
        // fire for every target are an artefact of stopping, never delivered.
        var summary = progress.Read();
        await sinkStop.CancelAsync();
        await sinkRun;
        await streams.DisposeAsync();
        try { Directory.Delete(stateDir, true); } catch (IOException) { }

        view.PrintFinal(summary);
        if (settings.Summary is { } path)
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(summary.ToJson(), new JsonSerializerOptions { WriteIndented = true }));
        return ExitCodes.Ok;
    }

    /// <summary>The page `gds ui` serves, on the embedded broker: on --ui, else a free loopback port.</summary>
    private async Task<Gds.Ui.Dashboard> StartDashboardAsync(DevSettings settings, KafkaClientFactory clients)
    {
        Gds.Cli.Http.ListenAddress.TryParse(settings.Ui ?? "127.0.0.1:0", out var at, out _);
        var token = Environment.GetEnvironmentVariable(Commands.Ui.UiSettings.TokenVariable) is { Length: > 0 } t ? t.Trim() : null;
        var dashboard = new Gds.Ui.Dashboard(new Gds.Ui.DashboardOptions { Server = new Gds.Ui.Web.UiServerOptions { Host = at.Host, Port = at.Port, Token = token } }, clients, logs);
        try
        {
            await dashboard.StartAsync(CancellationToken.None);
        }
        catch (Gds.Ui.Web.UiConfigurationException ex)
        {
            await dashboard.DisposeAsync();
            throw new UsageException(ex.Message.Replace("--listen", "--ui", StringComparison.Ordinal));
        }
        return dashboard;
    }

    /// <summary>After the fleet stops, give in-flight alerts time to reach the receiver before shutting down.</summary>
    private static async Task DrainAsync(StreamsHost streams, SinkStats sink, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        long lastEmitted = -1;
        while (DateTime.UtcNow < deadline)
        {
            var emitted = streams.Counters.Firing + streams.Counters.Resolved + streams.Counters.OtherEvents;
            if (emitted == lastEmitted && sink.Consumed >= emitted && sink.InFlight == 0) return;
            lastEmitted = emitted;
            await Task.Delay(500);
        }
    }
}
