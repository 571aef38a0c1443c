using System.Net;
using System.Text.RegularExpressions;
using Confluent.SchemaRegistry;
using Gds.Contracts.Topics;
using Gds.Kafka.Admin.Apply;
using Gds.Kafka.Wire;
using Gds.Schemas.Catalog;
using Spectre.Console;

namespace Gds.Cli.Commands.Topics;

public sealed partial class TopicsApplySettings : KafkaSettings
{
    [CommandOption("--partitions <N>")]
    [Description("Partitions of the metric, alert, ack and heartbeat topics it creates (default: those of the metric topics already there, else 6). Rules, inhibit rules, silences and the DLQs have 1.")]
    public int? Partitions { get; init; }

    [CommandOption("--replication-factor <R>")]
    [Description("Replicas of the topics it creates, and the least an existing one must have (default: the broker's default.replication.factor, not compared).")]
    public int? ReplicationFactor { get; init; }

    [CommandOption("--environments <LIST>")]
    [Description("Comma-separated environments to create metric topics for (default production,staging,development, as gds kafka). Metric topics of other environments already on the cluster are checked too.")]
    public string? Environments { get; init; }

    [CommandOption("--strict")]
    [Description("Exit 1 when a topic differs from what gds wants (by default a difference is reported and the exit code stays 0).")]
    public bool Strict { get; init; }

    [CommandOption("--timeout <TIME>")]
    [Description("How long each admin request may take (default 30s).")]
    [DefaultValue("30s")]
    public string Timeout { get; init; } = "30s";

    public IReadOnlyList<string> EnvironmentList =>
        Environments?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? TopicNames.DefaultEnvironments;

    public override ValidationResult Validate() =>
        (Partitions < 1 ? $"--partitions must be at least 1 (got {Partitions})"
         : ReplicationFactor is < 1 or > short.MaxValue ? $"--replication-factor must be at least 1 (got {ReplicationFactor})"
         : Environments is not null && EnvironmentList.Count == 0 ? "--environments: name at least one environment"
         : EnvironmentList.FirstOrDefault(e => !EnvironmentName().IsMatch(e)) is { } bad
             ? $"--environments: '{bad}' is not an environment name (letters, digits, '_' and '-'; no dots: the topic is gds.metrics.TYPE.ENV)"
         : DurationOptions.Problem("--timeout", Timeout, "30s")) is { } problem
            ? ValidationResult.Error(problem)
            : base.Validate();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex EnvironmentName();
}

/// <summary>
/// `gds topics apply`: creates the gds topics a cluster lacks, with their cleanup policies, and reports every topic
/// (created / present / differs / missing). It changes nothing that exists, so running it again is harmless.
/// With --schema-registry it registers every topic's schema too. Exit 0 when every topic (and schema) is there; 1
/// when one could not be created or registered or the cluster could not be read, or, with --strict, when one differs.
/// </summary>
public sealed class TopicsApplyCommand : AsyncCommand<TopicsApplySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TopicsApplySettings settings, CancellationToken cancellationToken)
    {
        var timeout = Gds.Contracts.Rules.DurationText.Parse(settings.Timeout, "--timeout");
        // The one client configuration (security settings included), as every verb gets it.
        var clients = await Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken);
        var bootstrap = clients.BootstrapServers;
        using var cluster = new KafkaTopicCluster(clients, timeout);
        ApplyReport report;
        try
        {
            report = await new TopicApplier(cluster).ApplyAsync(new TopicRequest(settings.Partitions, settings.ReplicationFactor, settings.EnvironmentList), cancellationToken);
        }
        catch (Confluent.Kafka.KafkaException ex)
        {
            await Console.Error.WriteLineAsync($"gds: cannot read the topics of {bootstrap}: {ex.Error.Reason}");
            return ExitCodes.Failed;
        }
        if (report.ConfigNote is { } note) Console.WriteLine(note);
        foreach (var topic in report.Topics) Console.WriteLine(topic.Line);
        Console.WriteLine($"{report.Topics.Count} topics on {bootstrap} ({report.Partitions} partitions asked): " +
                          $"{report.Count(TopicOutcome.Created)} created, {report.Count(TopicOutcome.Present)} present, " +
                          $"{report.Count(TopicOutcome.Differs)} differ, {report.Count(TopicOutcome.NotCreated)} missing");
        var schemasFailed = clients.Codec.RegistryUrl is { } registry && !RegisterSchemas(clients.Codec, registry, report);
        return report.AnyNotCreated || schemasFailed || (settings.Strict && report.AnyDiffers) ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>
    /// With a schema registry: registers the schema of every topic that is there, so an incompatible schema change is
    /// refused now, by the deployment step, rather than by the first process that writes. One line per subject, then
    /// a count; false when one was not registered.
    /// </summary>
    private static bool RegisterSchemas(RecordCodec codec, string registry, ApplyReport report)
    {
        int registered = 0, failed = 0;
        foreach (var topic in report.Topics.Where(t => t.Outcome != TopicOutcome.NotCreated))
        {
            var subject = SchemaCatalog.ValueSubject(topic.Name);
            try
            {
                if (codec.Register(topic.Name) is not { } done) continue;
                Console.WriteLine($"schema   {subject}: id {done.Id} ({done.Schema.File})");
                registered++;
            }
            catch (SchemaRegistryUnavailableException ex)
            {
                Console.WriteLine($"schema   {subject}: not registered: {ex.Message}");
                failed++;
                // A refusal is about this schema; a registry that does not answer would not for the next one either.
                var refused = ex.InnerException is SchemaRegistryException { Status: HttpStatusCode.Conflict };
                if (!refused) break;
            }
        }
        Console.WriteLine($"{registered + failed} schemas at {registry}: {registered} registered, {failed} not registered");
        return failed == 0;
    }
}
