using System.Globalization;
using Gds.Kafka.Configuration;
using Gds.Monitor.Collectors.Snowflake;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Gds.Monitor.Targets;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Gds.Cli.Commands.Collect;

/// <summary>
/// `gds collect`: --targets names the targets file (YAML); process-wide settings (Collector:*) come from ./gds.json,
/// GDS_Collector__* environment variables, and the flags below, which set keys of the same sections.
/// </summary>
public sealed class CollectSettings : HostedVerbSettings
{
    /// <summary>gds-collector@HOST, the collector id's default too.</summary>
    public override string ProcessName => "collector";

    [CommandOption("--targets <FILE>")]
    [Description("The targets file (YAML; see examples/targets.yaml). `--config FILE` is a deprecated alias.")]
    public string? TargetsFile { get; init; }

    [CommandOption("--once")]
    [Description("Scrape every target once, flush to Kafka and exit: 0 when everything was acknowledged, 1 when not.")]
    public bool Once { get; init; }

    [CommandOption("--collector-id <ID>")]
    [Description("This collector's name on gds.heartbeats (default gds-collector@HOST; Collector:CollectorId).")]
    public string? CollectorId { get; init; }

    [CommandOption("--concurrency <N>")]
    [Description("Scrapes running at once across all targets (default 32; Collector:MaxConcurrentScrapes).")]
    public int? Concurrency { get; init; }

    [CommandOption("--spool-dir <DIR>")]
    [Description("Where samples wait while Kafka is unreachable (default .gds/spool/COLLECTOR-ID; Collector:Publisher:SpoolDirectory). One directory per collector process.")]
    public string? SpoolDir { get; init; }

    [CommandOption("--spool-max-mb <MB>")]
    [Description("Bound of the spool on disk; past it the oldest samples are dropped and counted (default 256; Collector:Publisher:SpoolMaxBytes).")]
    public int? SpoolMaxMb { get; init; }

    [CommandOption("--topic-partitions <N>")]
    [Description("Partitions for metric topics this command creates when they are missing on a real cluster (default 6).")]
    [DefaultValue(6)]
    public int TopicPartitions { get; init; } = 6;

    /// <summary>The targets file: --targets, or the deprecated --config.</summary>
    public string? Targets => TargetsFile ?? ConfigFile;

    /// <summary>--config is the targets file here, so the JSON settings are ./gds.json's.</summary>
    public override string? SettingsFile => null;

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (TargetsFile is not null && ConfigFile is not null) return ValidationResult.Error("--targets and --config (its deprecated alias) are mutually exclusive");
        if (string.IsNullOrWhiteSpace(Targets)) return ValidationResult.Error("--targets TARGETS.yaml is required (the targets file; see examples/targets.yaml)");
        if (Concurrency is < 1) return ValidationResult.Error("--concurrency must be at least 1");
        if (SpoolMaxMb is < 1) return ValidationResult.Error("--spool-max-mb must be at least 1");
        if (TopicPartitions < 1) return ValidationResult.Error("--topic-partitions must be at least 1");
        return ValidationResult.Success();
    }

    public override IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides()
    {
        foreach (var o in base.ConfigurationOverrides()) yield return o;
        yield return new($"{CollectorOptions.Section}:CollectorId", CollectorId);
        yield return new($"{CollectorOptions.Section}:MaxConcurrentScrapes", Concurrency?.ToString(CultureInfo.InvariantCulture));
        yield return new($"{PublisherOptions.Section}:SpoolDirectory", SpoolDir);
        yield return new($"{PublisherOptions.Section}:SpoolMaxBytes", (SpoolMaxMb * 1024L * 1024)?.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>`gds collect --targets targets.yaml --bootstrap BS [--once]`: polls the fleet and publishes its metrics.</summary>
public sealed class CollectCommand : AsyncCommand<CollectSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, CollectSettings settings, CancellationToken cancellationToken)
    {
        TargetsFile file;
        try
        {
            file = TargetsFile.Load(settings.Targets!);
        }
        catch (TargetsFileException ex)
        {
            foreach (var e in ex.Errors) Console.Error.WriteLine(e.ToString());
            Console.Error.WriteLine($"{settings.Targets}: {ex.Errors.Count} error(s); nothing was scraped.");
            return Task.FromResult(ExitCodes.Failed);
        }
        if (!file.EnabledTargets.Any())
        {
            Console.Error.WriteLine($"{file.Path}: every target is disabled; nothing to do.");
            return Task.FromResult(ExitCodes.Failed);
        }

        var builder = GdsHost.CreateBuilder(settings);
        builder.Services.AddGdsOptions<CollectorOptions, CollectorOptionsValidator>(CollectorOptions.Section);
        builder.Services.AddGdsOptions<PublisherOptions, PublisherOptionsValidator>(PublisherOptions.Section)
            .PostConfigure<IConfiguration, Microsoft.Extensions.Options.IOptions<CollectorOptions>>((publisher, config, collector) =>
            {
                // Derived from the collector's id unless set: one spool per collector process.
                var id = collector.Value.CollectorId;
                if (string.IsNullOrEmpty(config[$"{PublisherOptions.Section}:SpoolDirectory"]))
                    publisher.SpoolDirectory = Path.Combine(".gds", "spool", Sanitize(id));
                publisher.ClientId = id;
            });
        builder.Services.AddGdsOptions<SnowflakeOptions, SnowflakeOptionsValidator>(SnowflakeOptions.Section);
        if (settings.PrintConfig)
            return Task.FromResult(ConfigurationDump.Print(builder, (KafkaOptions.Section, typeof(KafkaOptions)),
                (CollectorOptions.Section, typeof(CollectorOptions)), (PublisherOptions.Section, typeof(PublisherOptions)),
                (SnowflakeOptions.Section, typeof(SnowflakeOptions))));
        builder.Services.AddSingleton(new CollectService.Job(file, settings.Once, settings.TopicPartitions));
        builder.Services.AddHostedService<CollectService>();
        return GdsHost.RunAsync(builder, cancellationToken);
    }

    private static string Sanitize(string id) => string.Concat(id.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_'));
}
