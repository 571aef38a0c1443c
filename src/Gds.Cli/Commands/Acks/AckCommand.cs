using System.ComponentModel;
using Confluent.Kafka;
using Gds.Alerting.Acknowledgements;
using Gds.Cli.Infrastructure;
using Gds.Contracts.Alerts;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;
using Spectre.Console;
using Spectre.Console.Cli;

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

/// <summary>
/// `gds ack ALERT_ID --by WHO`: writes an Ack to gds.alerts.acks. Key = dedup key (compaction keeps the latest ack
/// per alert); partition = the one the alert's instance_id hashes to, the same number as its metrics partition,
/// so the stream task holding the alert's state reads the ack without a repartition.
/// </summary>
public sealed class AckCommand : AsyncCommand<AckSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AckSettings settings, CancellationToken cancellationToken)
    {
        AlertReference.TryParse(settings.AlertId, out var alert, out _);
        var clients = await Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken);
        var config = clients.ProducerConfig("gds-ack");
        config.MessageTimeoutMs = 30_000;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var topic = admin.GetMetadata(TopicNames.AlertAcks, TimeSpan.FromSeconds(30)).Topics.SingleOrDefault(t => t.Topic == TopicNames.AlertAcks);
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
        {
            Console.Error.WriteLine($"gds ack: topic {TopicNames.AlertAcks} is not available: {topic?.Error.Reason ?? "not found"}");
            return ExitCodes.Failed;
        }
        var partition = KeyPartitioner.PartitionFor(alert!.InstanceId, topic.Partitions.Count);
        var ack = new Ack { AlertId = alert.DedupKey, InstanceId = alert.InstanceId, By = settings.By!.Trim(), Comment = settings.Comment, At = DateTimeOffset.UtcNow };
        await producer.ProduceAsync(new TopicPartition(TopicNames.AlertAcks, partition),
            new Message<string, byte[]> { Key = ack.AlertId, Value = GdsJson.Serialize(ack) }, cancellationToken);
        producer.Flush(cancellationToken);
        Console.Out.WriteLine(ack.AlertId);
        Console.Error.WriteLine($"acknowledged {ack.AlertId} as {ack.By} ({TopicNames.AlertAcks} partition {partition})");
        return ExitCodes.Ok;
    }
}
