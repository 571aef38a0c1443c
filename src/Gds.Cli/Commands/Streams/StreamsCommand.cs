using System.ComponentModel;
using Gds.Cli.Infrastructure;
using Gds.Kafka.Admin;
using Gds.Topology;
using Gds.Topology.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console.Cli;

namespace Gds.Cli.Commands.Streams;

public sealed class StreamsSettings : KafkaSettings
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

    public override Spectre.Console.ValidationResult Validate() =>
        DurationOptions.Problem("--grace", Grace, "5s") is { } problem ? Spectre.Console.ValidationResult.Error(problem) : base.Validate();

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
            Topology = new TopologyOptions { Grace = Gds.Contracts.Rules.DurationText.Parse(settings.Grace, "--grace") },
        }, new KafkaTopicCreator(bootstrap), logs);
        await host.StartAsync(cts.Token);
        await host.WaitUntilRunningAsync(TimeSpan.FromMinutes(2), cts.Token);
        log.LogInformation("running: {Rules} rule(s) in force", host.Rules.Count);
        try
        {
            while (!cts.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cts.Token);
                log.LogInformation("rules={Rules} firing={Firing} resolved={Resolved} dlq={Dlq}", host.Rules.Count, host.Counters.Firing, host.Counters.Resolved, host.Counters.DeadLetteredMetrics);
            }
        }
        catch (OperationCanceledException) { }
        log.LogInformation("stopping");
        return ExitCodes.Ok;
    }
}
