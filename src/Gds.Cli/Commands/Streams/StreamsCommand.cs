using Gds.Alerting.Hygiene;
using Gds.Kafka.Configuration;

namespace Gds.Cli.Commands.Streams;

/// <summary>Flags of `gds streams`; each sets a key of section "Streams" (docs/configuration.md) on top of gds.json and GDS_Streams__*.</summary>
public sealed class StreamsSettings : HostedVerbSettings
{
    public override string ProcessName => "streams";

    [CommandOption("--application-id <ID>")]
    [Description("Kafka Streams application id; instances with the same id share the partitions (default gds-streams; Streams:ApplicationId).")]
    public string? ApplicationId { get; init; }

    [CommandOption("--state-dir <DIR>")]
    [Description("Where RocksDB state lives (default ./.gds/state; Streams:StateDir).")]
    public string? StateDir { get; init; }

    [CommandOption("--grace <TIME>")]
    [Description("Late samples within this much event time are placed in order (default 0s: as in Prometheus, a sample older than its series' newest is dropped and counted). A grace period holds every sample in the state store for that long: a state write per sample, and up to that much alert latency. Streams:Grace.")]
    public string? Grace { get; init; }

    [CommandOption("--metric-topics <LIST>")]
    [Description("Comma-separated metric topics to read, and no others (default: every gds.metrics.{type}.{env} topic the cluster has, waiting for the first, and each new one within 10 s of its creation; Streams:MetricTopics).")]
    public string? MetricTopics { get; init; }

    [CommandOption("--session-timeout <TIME>")]
    [Description("How long the group waits for a silent instance before its partitions go to the others (default 10s): the bulk of a failover's take-over time. Streams:SessionTimeout.")]
    public string? SessionTimeout { get; init; }

    [CommandOption("--commit-interval <TIME>")]
    [Description("How often processed offsets are committed (default 500ms); a restart or a take-over reads again at most this much (nothing is emitted twice). Streams:CommitInterval.")]
    public string? CommitInterval { get; init; }

    [CommandOption("--emitted-retention <TIME>")]
    [Description("How long each series remembers the transitions it emitted, so that re-reading the metric topics emits none twice (default 7d: the metric topics' retention; keep it at least that). Streams:EmittedRetention.")]
    public string? EmittedRetention { get; init; }

    [CommandOption("--describe")]
    [Description("Print the topology (its stages, stores and topics, as Streamiz built it) and exit, without connecting to Kafka. It reads the metric topics of --metric-topics, else those of the default environments.")]
    public bool Describe { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Stream threads (default 1); one per core scales a process. Every thread must be in the group's first generation: Kafka's group.initial.rebalance.delay.ms (3 s) sees to that, and so does gds kafka. Streams:Threads.")]
    public int? Threads { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        ((Grace is null ? null : DurationOptions.Problem("--grace", Grace, "5s"))
         ?? (SessionTimeout is null ? null : DurationOptions.Problem("--session-timeout", SessionTimeout, "10s"))
         ?? (CommitInterval is null ? null : DurationOptions.Problem("--commit-interval", CommitInterval, "500ms"))
         ?? (EmittedRetention is null ? null : DurationOptions.Problem("--emitted-retention", EmittedRetention, "7d"))
         ?? (SessionTimeout is not null && Duration(SessionTimeout, "--session-timeout") < TimeSpan.FromSeconds(1) ? "--session-timeout must be at least 1s" : null)
         ?? (CommitInterval is not null && Duration(CommitInterval, "--commit-interval") <= TimeSpan.Zero ? "--commit-interval must be more than 0" : null)
         ?? (Threads is < 1 ? "--threads must be at least 1" : null)) is { } problem
            ? Spectre.Console.ValidationResult.Error(problem)
            : base.Validate();

    public override IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides()
    {
        foreach (var o in base.ConfigurationOverrides()) yield return o;
        const string s = StreamsOptions.Section;
        yield return new($"{s}:ApplicationId", ApplicationId);
        yield return new($"{s}:StateDir", StateDir);
        yield return new($"{s}:Threads", Threads?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new($"{s}:Grace", TimeSpanText(Grace, "--grace"));
        yield return new($"{s}:SessionTimeout", TimeSpanText(SessionTimeout, "--session-timeout"));
        yield return new($"{s}:CommitInterval", TimeSpanText(CommitInterval, "--commit-interval"));
        yield return new($"{s}:EmittedRetention", TimeSpanText(EmittedRetention, "--emitted-retention"));
        var topics = MetricTopics?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        for (var i = 0; i < topics.Length; i++) yield return new($"{s}:MetricTopics:{i}", topics[i]);
    }

    private static TimeSpan Duration(string text, string option) => Gds.Contracts.Rules.DurationText.Parse(text, option);
}

/// <summary>`gds streams`: the alerting topology against any Kafka, until Ctrl-C / SIGTERM.</summary>
public sealed class StreamsCommand : AsyncCommand<StreamsSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, StreamsSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Describe) return Task.FromResult(TopologyDescription.Print(settings.MetricTopics));
        var builder = GdsHost.CreateBuilder(settings);
        builder.Services.AddGdsOptions<StreamsOptions, StreamsOptionsValidator>(StreamsOptions.Section);
        builder.Services.AddGdsOptions<HygieneOptions, HygieneOptionsValidator>(HygieneOptions.Section);
        builder.Services.AddGdsOptions<Gds.Notify.Watchdog.WatchdogOptions, Gds.Notify.Watchdog.WatchdogOptionsValidator>(Gds.Notify.Watchdog.WatchdogOptions.SectionName);
        if (settings.PrintConfig)
            return Task.FromResult(ConfigurationDump.Print(builder, (KafkaOptions.Section, typeof(KafkaOptions)),
                (StreamsOptions.Section, typeof(StreamsOptions)), (HygieneOptions.Section, typeof(HygieneOptions))));
        builder.Services.AddHostedService<StreamsService>();
        return GdsHost.RunAsync(builder, cancellationToken);
    }
}
