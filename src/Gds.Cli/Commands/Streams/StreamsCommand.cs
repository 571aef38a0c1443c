using System.ComponentModel;
using Gds.Cli.Http;
using Gds.Cli.Infrastructure;
using Gds.Kafka.Clients;
using Gds.Kafka.Admin;
using Gds.Topology;
using Gds.Topology.Hosting;
using Gds.Topology.Telemetry;
using Microsoft.Extensions.Logging;
using Spectre.Console.Cli;

namespace Gds.Cli.Commands.Streams;

public sealed class StreamsSettings : ServiceSettings
{
    [CommandOption("--application-id <ID>")]
    [Description("Kafka Streams application id; instances with the same id share the partitions (default gds-streams).")]
    [DefaultValue("gds-streams")]
    public string ApplicationId { get; init; } = "gds-streams";

    [CommandOption("--state-dir <DIR>")]
    [Description("Where RocksDB state lives (default ./.gds/state).")]
    public string? StateDir { get; init; }

    [CommandOption("--grace <TIME>")]
    [Description("Late samples within this much event time are placed in order (default 0s: as in Prometheus, a sample older than its series' newest is dropped and counted). A grace period holds every sample in the state store for that long: a state write per sample, and up to that much alert latency.")]
    [DefaultValue("0s")]
    public string Grace { get; init; } = "0s";

    [CommandOption("--metric-topics <LIST>")]
    [Description("Comma-separated metric topics to read, and no others (default: every gds.metrics.{type}.{env} topic the cluster has, waiting for the first, and each new one within 10 s of its creation).")]
    public string? MetricTopics { get; init; }

    [CommandOption("--session-timeout <TIME>")]
    [Description("How long the group waits for a silent instance before its partitions go to the others (default 10s): the bulk of a failover's take-over time.")]
    [DefaultValue("10s")]
    public string SessionTimeout { get; init; } = "10s";

    [CommandOption("--commit-interval <TIME>")]
    [Description("How often processed offsets are committed (default 500ms); a restart or a take-over reads again at most this much (nothing is emitted twice).")]
    [DefaultValue("500ms")]
    public string CommitInterval { get; init; } = "500ms";

    [CommandOption("--emitted-retention <TIME>")]
    [Description("How long each series remembers the transitions it emitted, so that re-reading the metric topics emits none twice (default 7d: the metric topics' retention; keep it at least that).")]
    [DefaultValue("7d")]
    public string EmittedRetention { get; init; } = "7d";

    private static TimeSpan Duration(string text, string option) => Gds.Contracts.Rules.DurationText.Parse(text, option);

    public override Spectre.Console.ValidationResult Validate() =>
        (DurationOptions.Problem("--grace", Grace, "5s")
         ?? DurationOptions.Problem("--session-timeout", SessionTimeout, "10s")
         ?? DurationOptions.Problem("--commit-interval", CommitInterval, "500ms")
         ?? DurationOptions.Problem("--emitted-retention", EmittedRetention, "7d")
         ?? (Duration(SessionTimeout, "--session-timeout") < TimeSpan.FromSeconds(1) ? "--session-timeout must be at least 1s" : null)
         ?? (Duration(CommitInterval, "--commit-interval") <= TimeSpan.Zero ? "--commit-interval must be more than 0" : null)) is { } problem
            ? Spectre.Console.ValidationResult.Error(problem)
            : base.Validate();

    [CommandOption("--threads <N>")]
    [Description("Stream threads (default 1); one per core scales a process. Every thread must be in the group's first generation: Kafka's group.initial.rebalance.delay.ms (3 s) sees to that, and so does gds kafka.")]
    [DefaultValue(1)]
    public int Threads { get; init; } = 1;
}

/// <summary>`gds streams`: the alerting topology against any Kafka, until Ctrl-C / SIGTERM.</summary>
public sealed class StreamsCommand : AsyncCommand<StreamsSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StreamsSettings settings, CancellationToken cancellationToken)
    {
        using var cts = Shutdown.OnSignals(cancellationToken);
        using var logs = Logging.Create();
        var log = logs.CreateLogger("gds.streams");
        var bootstrap = settings.ResolveBootstrap();
        await using var host = new StreamsHost(new StreamsHostOptions
        {
            BootstrapServers = bootstrap,
            ApplicationId = settings.ApplicationId,
            StateDir = settings.StateDir ?? Path.Combine(".gds", "state"),
            StreamThreads = settings.Threads,
            MetricTopics = settings.MetricTopics?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            SessionTimeout = Duration(settings.SessionTimeout, "--session-timeout"),
            CommitInterval = Duration(settings.CommitInterval, "--commit-interval"),
            Topology = new TopologyOptions
            {
                Grace = Duration(settings.Grace, "--grace"),
                EmittedRetention = Duration(settings.EmittedRetention, "--emitted-retention"),
            },
        }, new KafkaTopicCreator(bootstrap), logs);
        var config = GdsConfiguration.Load(settings.ConfigFile);
        await using var telemetry = await VerbTelemetry.StartAsync("streams", settings.ResolveHttp(config), config,
            new KafkaClientFactory(bootstrap), logs, t => StreamsTelemetry.Attach(t, host), ct: cts.Token);
        await host.StartAsync(cts.Token);
        await host.WaitUntilRunningAsync(TimeSpan.FromMinutes(2), cts.Token);
        log.LogInformation("running: {Rules} rule(s) in force", host.Rules.Count);
        try
        {
            while (!cts.IsCancellationRequested)
            {
                var tick = Task.Delay(TimeSpan.FromSeconds(30), cts.Token);
                if (await Task.WhenAny(tick, host.Failed) == host.Failed)
                {
                    log.LogCritical("giving up: {Error}", host.Failed.Exception?.InnerException?.Message);
                    return ExitCodes.Failed;
                }
                await tick;
                log.LogInformation("rules={Rules} firing={Firing} resolved={Resolved} repeats-suppressed={Repeats} restarts={Restarts} dlq={Dlq}",
                    host.Rules.Count, host.Counters.Firing, host.Counters.Resolved, host.Counters.RepeatsSuppressed, host.Restarts, host.Counters.DeadLetteredMetrics);
            }
        }
        catch (OperationCanceledException) { }
        log.LogInformation("stopping: committing offsets and closing the stores");
        await host.DisposeAsync();
        log.LogInformation("stopped: firing={Firing} resolved={Resolved} repeats-suppressed={Repeats} restarts={Restarts}",
            host.Counters.Firing, host.Counters.Resolved, host.Counters.RepeatsSuppressed, host.Restarts);
        return ExitCodes.Ok;
    }

    private static TimeSpan Duration(string text, string option) => Gds.Contracts.Rules.DurationText.Parse(text, option);
}
