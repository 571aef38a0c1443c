using System.ComponentModel;
using Gds.Cli.Http;
using Gds.Cli.Infrastructure;
using Gds.Contracts.Topics;
using Gds.Kafka.Admin;
using Gds.Kafka.Clients;
using Gds.Monitor;
using Gds.Monitor.Collectors;
using Gds.Monitor.Collectors.Snowflake;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Gds.Monitor.Targets;
using Gds.Monitor.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gds.Cli.Commands.Collect;

/// <summary>
/// `gds collect`: here --config names the targets file (YAML), as the command line has it; process-wide
/// settings (Collector:*) come from ./gds.json and GDS_Collector__* environment variables, and the flags below.
/// </summary>
public sealed class CollectSettings : ServiceSettings
{
    [CommandOption("--once")]
    [Description("Scrape every target once, flush to Kafka and exit: 0 when everything was acknowledged, 1 when not.")]
    public bool Once { get; init; }

    [CommandOption("--collector-id <ID>")]
    [Description("This collector's name on gds.heartbeats (default gds-collector@HOST).")]
    public string? CollectorId { get; init; }

    [CommandOption("--concurrency <N>")]
    [Description("Scrapes running at once across all targets (default 32).")]
    public int? Concurrency { get; init; }

    [CommandOption("--spool-dir <DIR>")]
    [Description("Where samples wait while Kafka is unreachable (default .gds/spool/COLLECTOR-ID). One directory per collector process.")]
    public string? SpoolDir { get; init; }

    [CommandOption("--spool-max-mb <MB>")]
    [Description("Bound of the spool on disk; past it the oldest samples are dropped and counted (default 256).")]
    public int? SpoolMaxMb { get; init; }

    [CommandOption("--topic-partitions <N>")]
    [Description("Partitions for metric topics this command creates when they are missing on a real cluster (default 6).")]
    [DefaultValue(6)]
    public int TopicPartitions { get; init; } = 6;

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (string.IsNullOrWhiteSpace(ConfigFile)) return ValidationResult.Error("--config TARGETS.yaml is required (the targets file; see examples/targets.yaml)");
        if (Concurrency is < 1) return ValidationResult.Error("--concurrency must be at least 1");
        if (SpoolMaxMb is < 1) return ValidationResult.Error("--spool-max-mb must be at least 1");
        if (TopicPartitions < 1) return ValidationResult.Error("--topic-partitions must be at least 1");
        return ValidationResult.Success();
    }

    /// <summary>
    /// Like <see cref="KafkaSettings.ResolveBootstrap"/>, except that --config is the YAML targets file here, so the
    /// Kafka:BootstrapServers fallback is read from ./gds.json and the environment instead.
    /// </summary>
    public string ResolveBootstrapServers()
    {
        if (!string.IsNullOrWhiteSpace(Bootstrap) || !string.IsNullOrWhiteSpace(BootstrapFile)) return ResolveBootstrap();
        var fromConfig = GdsConfiguration.Load(null)["Kafka:BootstrapServers"];
        if (!string.IsNullOrWhiteSpace(fromConfig)) return fromConfig;
        var env = Environment.GetEnvironmentVariable("GDS_BOOTSTRAP");
        if (!string.IsNullOrWhiteSpace(env)) return env;
        throw new UsageException("no Kafka bootstrap servers: pass --bootstrap HOST:PORT (or --bootstrap-file, GDS_BOOTSTRAP, Kafka:BootstrapServers in ./gds.json)");
    }
}

/// <summary>`gds collect --config targets.yaml --bootstrap BS [--once]`: polls the fleet and publishes its metrics.</summary>
public sealed class CollectCommand : AsyncCommand<CollectSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CollectSettings settings, CancellationToken cancellationToken)
    {
        TargetsFile file;
        try
        {
            file = TargetsFile.Load(settings.ConfigFile!);
        }
        catch (TargetsFileException ex)
        {
            foreach (var e in ex.Errors) Console.Error.WriteLine(e.ToString());
            Console.Error.WriteLine($"{settings.ConfigFile}: {ex.Errors.Count} error(s); nothing was scraped.");
            return ExitCodes.Failed;
        }
        var bootstrap = settings.ResolveBootstrapServers();
        var (collector, publisherOptions, snowflake) = CollectOptions.Build(settings);

        using var cts = Shutdown.OnSignals(cancellationToken);
        using var logs = Logging.Create();
        var log = logs.CreateLogger("gds.collect");
        foreach (var w in file.Warnings) log.LogWarning("{Warning}", w.ToString());
        var targets = file.EnabledTargets.ToList();
        if (targets.Count == 0)
        {
            Console.Error.WriteLine($"{file.Path}: every target is disabled; nothing to do.");
            return ExitCodes.Failed;
        }

        // In the background: scraping does not wait for the cluster, samples wait in the spool if they must.
        var topicCheck = EnsureTopicsAsync(bootstrap, targets, settings.TopicPartitions, log);
        var clients = new KafkaClientFactory(bootstrap);
        await using var publisher = new KafkaMetricPublisher(clients, Options.Create(publisherOptions), logs.CreateLogger<KafkaMetricPublisher>());
        await using var host = new CollectorHost(targets, new CollectorFactory(Options.Create(snowflake)), publisher, publisher, collector, logs);
        log.LogInformation("collector {Id}: {Targets} targets from {File}, Kafka {Bootstrap}, spool {Spool}",
            collector.CollectorId, targets.Count, file.Path, bootstrap, publisherOptions.SpoolDirectory);

        if (!settings.Once)
        {
            // --config is the targets file here: Http:Listen and SelfReport come from ./gds.json and GDS_*.
            var config = GdsConfiguration.Load(null);
            await using var telemetry = await VerbTelemetry.StartAsync("collect", settings.ResolveHttp(config), config, clients, logs,
                t => CollectorTelemetry.Attach(t, host.Scheduler, publisher.Statistics, publisherOptions.SpoolMaxBytes), collector.CollectorId, cts.Token);
            await host.RunAsync(cts.Token);
            await topicCheck;
            return ExitCodes.Ok;
        }

        var result = await host.RunOnceAsync(cts.Token);
        foreach (var o in result.Outcomes.OrderBy(o => o.TargetId, StringComparer.Ordinal))
            Console.WriteLine(o.Up
                ? $"{o.TargetId}\tup\t{o.Duration.TotalSeconds:F3}s\t{o.Published} samples"
                : $"{o.TargetId}\tDOWN\t{o.Duration.TotalSeconds:F3}s\t{o.Error}");
        var up = result.Outcomes.Count(o => o.Up);
        Console.WriteLine($"{result.Outcomes.Count} targets, {up} up, {result.Outcomes.Count - up} down; "
                          + (result.Flushed ? "every sample acknowledged by Kafka" : $"{result.Pending} samples NOT acknowledged (kept in {publisherOptions.SpoolDirectory})"));
        // A topic check still waiting on a cluster that cannot create topics (the embedded broker) is not waited for.
        return result.Flushed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>
    /// Creates the metric topics of the targets' environments on a real cluster. The embedded broker has no
    /// CreateTopics (`gds kafka` pre-creates the standard set) and an unreachable cluster must not stop collection,
    /// so a failure is a warning: the samples wait in the spool.
    /// </summary>
    private static async Task EnsureTopicsAsync(string bootstrap, IReadOnlyList<TargetDefinition> targets, int partitions, ILogger log)
    {
        var topics = targets.Select(t => TopicNames.Metrics(t.Type, t.Environment)).Distinct()
            .Select(name => new TopicSpec(name, partitions, Retention: TimeSpan.FromDays(7)))
            .Append(new TopicSpec(TopicNames.Heartbeats, partitions, Compacted: true))
            .ToList();
        try
        {
            await Task.Run(() => new KafkaTopicCreator(bootstrap).EnsureAsync(topics)).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception ex)
        {
            log.LogWarning("could not check or create the topics ({Topics}): {Error}; they must exist for samples to leave the spool (the embedded broker of `gds kafka` creates them itself)",
                string.Join(", ", topics.Select(t => t.Name)), ex.Message);
        }
    }
}

/// <summary>Collector options in the Microsoft.Extensions way: bound from configuration, overridden by flags, validated.</summary>
internal static class CollectOptions
{
    public static (CollectorOptions Collector, PublisherOptions Publisher, SnowflakeOptions Snowflake) Build(CollectSettings settings)
    {
        var config = GdsConfiguration.Load(null);
        var collector = new CollectorOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(config.GetSection(CollectorOptions.Section), collector);
        var publisher = new PublisherOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(config.GetSection(PublisherOptions.Section), publisher);
        var snowflake = new SnowflakeOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(config.GetSection(SnowflakeOptions.Section), snowflake);

        if (settings.CollectorId is { } id) collector.CollectorId = id;
        if (settings.Concurrency is { } c) collector.MaxConcurrentScrapes = c;
        if (settings.SpoolMaxMb is { } mb) publisher.SpoolMaxBytes = mb * 1024L * 1024;
        publisher.SpoolDirectory = settings.SpoolDir
            ?? (config[$"{PublisherOptions.Section}:SpoolDirectory"] is { Length: > 0 } configured ? configured : Path.Combine(".gds", "spool", Sanitize(collector.CollectorId)));
        publisher.ClientId = collector.CollectorId;

        var errors = new List<string>();
        Check(new CollectorOptionsValidator().Validate(null, collector));
        Check(new PublisherOptionsValidator().Validate(null, publisher));
        Check(new SnowflakeOptionsValidator().Validate(null, snowflake));
        if (errors.Count > 0) throw new UsageException(string.Join("; ", errors));
        return (collector, publisher, snowflake);

        void Check(ValidateOptionsResult r)
        {
            if (r.Failed) errors.AddRange(r.Failures);
        }
    }

    private static string Sanitize(string id) => string.Concat(id.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_'));
}
