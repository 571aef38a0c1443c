using Gds.Kafka.Admin;
using Gds.Kafka.Embedded;
using Gds.Schemas.Registry;
using Gds.Topology;
using Spectre.Console;

namespace Gds.Cli.Commands.KafkaBroker;

public sealed class KafkaSettingsForBroker : Gds.Cli.Infrastructure.GdsSettings
{
    [CommandOption("--bootstrap-file <FILE>")]
    [Description("Write the bootstrap string here once the broker is ready (other processes read it).")]
    public string? BootstrapFile { get; init; }

    [CommandOption("--schema-registry-file <FILE>")]
    [Description("Also serve the embedded schema registry, and write its URL here once it is ready (docs/schemas.md).")]
    public string? SchemaRegistryFile { get; init; }

    [CommandOption("--schema-registry-listen <HOST:PORT>")]
    [Description("Where the embedded schema registry listens (default 127.0.0.1 on a free port); starts it even without --schema-registry-file.")]
    public string? SchemaRegistryListen { get; init; }

    [CommandOption("--partitions <N>")]
    [Description("Partitions of the metric, alert and ack topics (default 3).")]
    [DefaultValue(3)]
    public int Partitions { get; init; } = 3;

    [CommandOption("--brokers <N>")]
    [Description("Brokers in the embedded cluster (default 1).")]
    [DefaultValue(1)]
    public int Brokers { get; init; } = 1;

    [CommandOption("--initial-rebalance-delay <TIME>")]
    [Description("How long a new consumer group waits for more members before its first assignment, as Kafka's group.initial.rebalance.delay.ms (default 3s, Kafka's own). It lets the threads of gds streams --threads N join one generation.")]
    [DefaultValue("3s")]
    public string InitialRebalanceDelay { get; init; } = "3s";

    [CommandOption("--environments <LIST>")]
    [Description("Comma-separated environments to create metric topics for (default production,staging,development).")]
    public string? Environments { get; init; }

    public override ValidationResult Validate() =>
        Partitions < 1 ? ValidationResult.Error("--partitions must be at least 1")
        : Brokers < 1 ? ValidationResult.Error("--brokers must be at least 1")
        : DurationOptions.Problem("--initial-rebalance-delay", InitialRebalanceDelay, "3s or 0s") is { } problem ? ValidationResult.Error(problem)
        : SchemaRegistryListen is { } listen && ListenProblem(listen) is { } bad ? ValidationResult.Error("--schema-registry-listen: " + bad)
        : ValidationResult.Success();

    private static string? ListenProblem(string listen)
    {
        try { EmbeddedSchemaRegistry.ParseListen(listen); return null; }
        catch (ArgumentException ex) { return ex.Message.Split(" (Parameter")[0]; }
    }

    public bool ServesSchemaRegistry => SchemaRegistryFile is not null || SchemaRegistryListen is not null;

    public IReadOnlyList<string>? EnvironmentList =>
        Environments?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>`gds kafka`: the embedded broker as its own process, every gds topic created, until SIGTERM.</summary>
public sealed class KafkaCommand : AsyncCommand<KafkaSettingsForBroker>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KafkaSettingsForBroker settings, CancellationToken cancellationToken)
    {
        using var cts = Shutdown.OnSignals(cancellationToken);
        using var broker = EmbeddedBroker.Start(settings.Brokers, Gds.Contracts.Rules.DurationText.Parse(settings.InitialRebalanceDelay, "--initial-rebalance-delay"));
        var topics = DevTopics.All(settings.Partitions, settings.EnvironmentList);
        await new EmbeddedTopicCreator(broker).EnsureAsync(topics, cts.Token);
        await using var registry = settings.ServesSchemaRegistry
            ? await EmbeddedSchemaRegistry.StartAsync(settings.SchemaRegistryListen ?? "127.0.0.1:0", cancellationToken: cts.Token)
            : null;
        try
        {
            if (settings.BootstrapFile is { } f) await WriteAtomicallyAsync(f, broker.BootstrapServers, cts.Token);
            if (registry is not null && settings.SchemaRegistryFile is { } r) await WriteAtomicallyAsync(r, registry.Url, cts.Token);
            AnsiConsole.MarkupLineInterpolated($"[green]embedded Kafka ready[/] at [bold]{broker.BootstrapServers}[/] ({settings.Brokers} broker(s), {topics.Count} topics)");
            Console.WriteLine(broker.BootstrapServers);
            if (registry is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"[green]embedded schema registry ready[/] at [bold]{registry.Url}[/]");
                Console.WriteLine(registry.Url);
            }
            try { await Task.Delay(Timeout.Infinite, cts.Token); }
            catch (OperationCanceledException) { }
        }
        finally
        {
            if (settings.BootstrapFile is { } file) File.Delete(file);
            if (settings.SchemaRegistryFile is { } registryFile) File.Delete(registryFile);
        }
        return ExitCodes.Ok;
    }

    /// <summary>Other processes poll for the file, so it appears whole or not at all.</summary>
    private static async Task WriteAtomicallyAsync(string file, string line, CancellationToken ct)
    {
        var tmp = file + ".tmp";
        await File.WriteAllTextAsync(tmp, line + "\n", ct);
        File.Move(tmp, file, overwrite: true);
    }
}

/// <summary>The topics a self-contained deployment needs: the standard set plus the topology's internal ones.</summary>
public static class DevTopics
{
    public static IReadOnlyList<TopicSpec> All(int partitions, IReadOnlyList<string>? environments = null, string applicationId = "gds-streams") =>
        TopicCatalog.Standard(partitions, environments).Concat(AlertingTopology.InternalTopics(applicationId, partitions)).ToList();
}
