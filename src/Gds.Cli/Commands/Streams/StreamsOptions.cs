using Gds.Alerting.Hygiene;
using Gds.Topology;
using Gds.Topology.Hosting;

namespace Gds.Cli.Commands.Streams;

/// <summary>`gds streams`'s settings, section "Streams" (GDS_Streams__…); its flags set the same keys.</summary>
public sealed class StreamsOptions
{
    public const string Section = "Streams";

    public string ApplicationId { get; init; } = "gds-streams";
    public string StateDir { get; init; } = Path.Combine(".gds", "state");
    public int Threads { get; init; } = 1;
    /// <summary>Empty: every gds.metrics.{type}.{env} topic the cluster has at start.</summary>
    public string[] MetricTopics { get; init; } = [];
    public TimeSpan Grace { get; init; } = TimeSpan.Zero;
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan EmittedRetention { get; init; } = TimeSpan.FromDays(7);

    /// <param name="heartbeatInterval">How often each task writes a watchdog heartbeat; null when the watchdog is off.</param>
    public StreamsHostOptions ToHostOptions(KafkaClientFactory kafka, HygieneOptions hygiene, TimeSpan? heartbeatInterval) => new()
    {
        BootstrapServers = kafka.BootstrapServers,
        KafkaProperties = kafka.Properties,
        Codec = kafka.Codec,
        ApplicationId = ApplicationId,
        StateDir = StateDir,
        StreamThreads = Threads,
        MetricTopics = MetricTopics,
        SessionTimeout = SessionTimeout,
        CommitInterval = CommitInterval,
        Hygiene = hygiene,
        Topology = new TopologyOptions { Grace = Grace, EmittedRetention = EmittedRetention, HeartbeatInterval = heartbeatInterval },
    };
}

public sealed class StreamsOptionsValidator : IValidateOptions<StreamsOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamsOptions o)
    {
        var e = new List<string>();
        const string s = StreamsOptions.Section;
        if (string.IsNullOrWhiteSpace(o.ApplicationId)) e.Add($"{s}:ApplicationId: must not be empty");
        if (string.IsNullOrWhiteSpace(o.StateDir)) e.Add($"{s}:StateDir: must not be empty");
        if (o.Threads < 1) e.Add($"{s}:Threads: must be at least 1 (got {o.Threads})");
        if (o.Grace < TimeSpan.Zero) e.Add($"{s}:Grace: must not be negative");
        if (o.SessionTimeout < TimeSpan.FromSeconds(1)) e.Add($"{s}:SessionTimeout: must be at least 1s (got {o.SessionTimeout})");
        if (o.CommitInterval <= TimeSpan.Zero) e.Add($"{s}:CommitInterval: must be more than 0");
        if (o.EmittedRetention <= TimeSpan.Zero) e.Add($"{s}:EmittedRetention: must be more than 0");
        return e.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(e);
    }
}

/// <summary>Section "Hygiene" (docs/hygiene.md).</summary>
public sealed class HygieneOptionsValidator : IValidateOptions<HygieneOptions>
{
    public ValidateOptionsResult Validate(string? name, HygieneOptions o)
    {
        var e = new List<string>();
        if (o.ExpireWhenClearGrace < TimeSpan.Zero) e.Add($"{HygieneOptions.Section}:ExpireWhenClearGrace: must not be negative");
        if (o.AckClockTolerance < TimeSpan.Zero) e.Add($"{HygieneOptions.Section}:AckClockTolerance: must not be negative");
        return e.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(e);
    }
}
