using Gds.Alerting.Acknowledgements;
using Gds.Contracts.Topics;
using Gds.Handling.Acks;
using Spectre.Console;

namespace Gds.Cli.Commands.Acks;

public sealed class AckSettings : KafkaSettings
{
    [CommandArgument(0, "<ALERT_ID>")]
    [Description("The alert's dedup key rule_id:instance_id:metric_name, with the series labels after it when it has any, e.g. 'pg-wraparound:pg-1:pg_database_wraparound_ratio{database=\"orders\"}' (the dedup_key of its events, the Alert id of its notifications).")]
    public string AlertId { get; init; } = "";

    [CommandOption("--by <WHO>")]
    [Description("Who takes the alert (required).")]
    public string? By { get; init; }

    [CommandOption("--comment <TEXT>")]
    [Description("A note for the acknowledged notice.")]
    public string? Comment { get; init; }

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        if (!AlertReference.TryParse(AlertId, out _, out var error)) return ValidationResult.Error(error!);
        if (string.IsNullOrWhiteSpace(By)) return ValidationResult.Error("--by WHO is required");
        return ValidationResult.Success();
    }
}

/// <summary>`gds ack ALERT_ID --by WHO`: writes an Ack to gds.alerts.acks (see <see cref="AckTopic"/>; `gds ui`'s Ack button writes the same).</summary>
public sealed class AckCommand : AsyncCommand<AckSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AckSettings settings, CancellationToken cancellationToken)
    {
        if (!AckTopic.TryBuild(settings.AlertId, settings.By, settings.Comment, DateTimeOffset.UtcNow, out var ack, out var error)) throw new UsageException(error!);
        var clients = await Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken);
        int partition;
        try
        {
            partition = await AckTopic.PublishAsync(clients, ack!, cancellationToken);
        }
        catch (AckTopicUnavailableException ex)
        {
            Console.Error.WriteLine($"gds ack: {ex.Message}");
            return ExitCodes.Failed;
        }
        Console.Out.WriteLine(ack!.AlertId);
        Console.Error.WriteLine($"acknowledged {ack.AlertId} as {ack.By} ({TopicNames.AlertAcks} partition {partition})");
        return ExitCodes.Ok;
    }
}
