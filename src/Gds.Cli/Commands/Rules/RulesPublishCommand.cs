using Confluent.Kafka;
using Gds.Alerting.Rules;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;

namespace Gds.Cli.Commands.Rules;

public sealed class RulesPublishSettings : KafkaSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Rules YAML files or folders of them (every *.yaml and *.yml inside), e.g. examples/rules.")]
    public string[] Files { get; init; } = [];

    [CommandOption("--prune")]
    [Description("Delete (tombstone) rules that are on gds.rules but in none of the files.")]
    public bool Prune { get; init; }
}

/// <summary>`gds rules publish FILE...`: all or nothing — any invalid rule in any file and nothing is sent.</summary>
public sealed class RulesPublishCommand : AsyncCommand<RulesPublishSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RulesPublishSettings settings, CancellationToken cancellationToken)
    {
        var file = RuleSet.Read(settings.Files);
        if (!RuleFileReport.Print(file)) return ExitCodes.Failed;
        var clients = await Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken);
        var result = await RulePublisher.PublishAsync(clients, file.Rules, settings.Prune, cancellationToken);
        Console.WriteLine($"published {result.Published} rule(s) to {TopicNames.Rules}" + (settings.Prune ? $", deleted {result.Deleted}: {string.Join(", ", result.DeletedIds)}" : ""));
        if (file.InhibitRules.Count > 0 || settings.Prune)
        {
            var inhibit = await RulePublisher.PublishInhibitRulesAsync(clients, file.InhibitRules, settings.Prune, cancellationToken);
            Console.WriteLine($"published {inhibit.Published} inhibition rule(s) to {TopicNames.InhibitRules}" + (settings.Prune ? $", deleted {inhibit.Deleted}: {string.Join(", ", inhibit.DeletedIds)}" : ""));
        }
        return ExitCodes.Ok;
    }
}

public static class RulePublisher
{
    public sealed record Result(int Published, int Deleted, IReadOnlyList<string> DeletedIds);

    public static async Task<Result> PublishAsync(KafkaClientFactory clients, IReadOnlyList<Gds.Contracts.Rules.Rule> rules, bool prune, CancellationToken ct)
    {
        var deleted = new List<string>();
        if (prune)
        {
            var existing = CompactedTopicReader.ReadLatest(clients, TopicNames.Rules, TimeSpan.FromSeconds(30));
            var wanted = rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            deleted.AddRange(existing.Keys.Where(id => !wanted.Contains(id)).Order(StringComparer.Ordinal));
        }
        using var producer = new ProducerBuilder<string, byte[]?>(clients.ProducerConfig("gds-rules-publish")).Build();
        foreach (var rule in rules)
            await producer.ProduceAsync(TopicNames.Rules, new Message<string, byte[]?> { Key = rule.Id, Value = clients.Codec.Encode(TopicNames.Rules, rule) }, ct);
        foreach (var id in deleted)
            await producer.ProduceAsync(TopicNames.Rules, new Message<string, byte[]?> { Key = id, Value = null }, ct);
        producer.Flush(ct);
        return new Result(rules.Count, deleted.Count, deleted);
    }

    /// <summary>The file's inhibit_rules to gds.inhibit_rules, keyed by name; with prune, tombstones for names no longer in the file.</summary>
    public static async Task<Result> PublishInhibitRulesAsync(KafkaClientFactory clients, IReadOnlyList<Gds.Contracts.Rules.InhibitRule> rules, bool prune, CancellationToken ct)
    {
        var deleted = new List<string>();
        if (prune)
        {
            var existing = CompactedTopicReader.ReadLatest(clients, TopicNames.InhibitRules, TimeSpan.FromSeconds(30));
            var wanted = rules.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            deleted.AddRange(existing.Keys.Where(n => !wanted.Contains(n)).Order(StringComparer.Ordinal));
        }
        using var producer = new ProducerBuilder<string, byte[]?>(clients.ProducerConfig("gds-rules-publish")).Build();
        foreach (var rule in rules)
            await producer.ProduceAsync(TopicNames.InhibitRules, new Message<string, byte[]?> { Key = rule.Name, Value = clients.Codec.Encode(TopicNames.InhibitRules, rule) }, ct);
        foreach (var name in deleted)
            await producer.ProduceAsync(TopicNames.InhibitRules, new Message<string, byte[]?> { Key = name, Value = null }, ct);
        producer.Flush(ct);
        return new Result(rules.Count, deleted.Count, deleted);
    }
}
