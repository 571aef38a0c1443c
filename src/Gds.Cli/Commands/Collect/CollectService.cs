using Gds.Contracts.Topics;
using Gds.Kafka.Admin;
using Gds.Monitor;
using Gds.Monitor.Collectors;
using Gds.Monitor.Collectors.Snowflake;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Gds.Monitor.Targets;
using Gds.Monitor.Telemetry;
using Gds.Telemetry;

namespace Gds.Cli.Commands.Collect;

/// <summary>
/// The collector as a hosted service: on stop, scrapes in progress finish, a last heartbeat goes out and the
/// publisher flushes (Collector:FlushTimeout); what Kafka has not taken stays in the spool for the next run.
/// </summary>
public sealed class CollectService(
    CollectService.Job job, IOptions<CollectorOptions> collector, IOptions<PublisherOptions> publisherOptions,
    IOptions<SnowflakeOptions> snowflake, KafkaClientFactory kafka, ILoggerFactory logs, VerbOutcome outcome, IHostApplicationLifetime lifetime, ProcessTelemetry telemetry)
    : VerbService(outcome, lifetime, logs.CreateLogger("gds.collect"))
{
    /// <summary>What this run does: the targets file read before the host was built, and the command line's mode.</summary>
    public sealed record Job(TargetsFile File, bool Once, int TopicPartitions);

    private readonly ILogger _log = logs.CreateLogger("gds.collect");

    protected override async Task<int> RunAsync(CancellationToken stopping)
    {
        foreach (var w in job.File.Warnings) _log.LogWarning("{Warning}", w.ToString());
        var targets = job.File.EnabledTargets.ToList();

        // In the background: scraping does not wait for the cluster, samples wait in the spool if they must.
        var topicCheck = EnsureTopicsAsync(targets);
        await using var publisher = new KafkaMetricPublisher(kafka, publisherOptions, logs.CreateLogger<KafkaMetricPublisher>());
        await using var host = new CollectorHost(targets, new CollectorFactory(snowflake), publisher, publisher, collector.Value, logs);
        CollectorTelemetry.Attach(telemetry, host.Scheduler, publisher.Statistics, publisherOptions.Value.SpoolMaxBytes);
        _log.LogInformation("collector {Id}: {Targets} targets from {File}, Kafka {Bootstrap}, spool {Spool}",
            collector.Value.CollectorId, targets.Count, job.File.Path, kafka.BootstrapServers, publisherOptions.Value.SpoolDirectory);

        if (!job.Once)
        {
            await host.RunAsync(stopping);
            await topicCheck;
            _log.LogInformation("stopped: {Published} samples published", publisher.Statistics.Delivered);
            return ExitCodes.Ok;
        }

        var result = await host.RunOnceAsync(stopping);
        foreach (var o in result.Outcomes.OrderBy(o => o.TargetId, StringComparer.Ordinal))
            Console.WriteLine(o.Up
                ? $"{o.TargetId}\tup\t{o.Duration.TotalSeconds:F3}s\t{o.Published} samples"
                : $"{o.TargetId}\tDOWN\t{o.Duration.TotalSeconds:F3}s\t{o.Error}");
        var up = result.Outcomes.Count(o => o.Up);
        Console.WriteLine($"{result.Outcomes.Count} targets, {up} up, {result.Outcomes.Count - up} down; "
                          + (result.Flushed ? "every sample acknowledged by Kafka" : $"{result.Pending} samples NOT acknowledged (kept in {publisherOptions.Value.SpoolDirectory})"));
        // A topic check still waiting on a cluster that cannot create topics (the embedded broker) is not waited for.
        return result.Flushed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>
    /// Creates the metric topics of the targets' environments on a real cluster. The embedded broker has no
    /// CreateTopics (`gds kafka` pre-creates the standard set) and an unreachable cluster must not stop collection,
    /// so a failure is a warning: the samples wait in the spool.
    /// </summary>
    private async Task EnsureTopicsAsync(IReadOnlyList<TargetDefinition> targets)
    {
        var topics = targets.Select(t => TopicNames.Metrics(t.Type, t.Environment)).Distinct()
            .Select(name => new TopicSpec(name, job.TopicPartitions, Retention: TimeSpan.FromDays(7)))
            .Append(new TopicSpec(TopicNames.Heartbeats, job.TopicPartitions, Compacted: true))
            .ToList();
        try
        {
            await Task.Run(() => new KafkaTopicCreator(kafka).EnsureAsync(topics)).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception ex)
        {
            _log.LogWarning("could not check or create the topics ({Topics}): {Error}; they must exist for samples to leave the spool (the embedded broker of `gds kafka` creates them itself)",
                string.Join(", ", topics.Select(t => t.Name)), ex.Message);
        }
    }
}
