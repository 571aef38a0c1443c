using System.Globalization;
using Gds.Kafka.Configuration;
using Gds.Warehouse.Consuming;
using Spectre.Console;

namespace Gds.Cli.Commands.DwImport;

/// <summary>`gds dw-import`: metric topics into the data warehouse, batched, idempotent, offsets committed after each load.</summary>
public sealed class DwImportCommand : AsyncCommand<DwImportCommand.Settings>
{
    public sealed class Settings : HostedVerbSettings
    {
        public override string ProcessName => "dw-import";

        [CommandOption("--target <TARGET>")]
        [Description("Warehouse kind: postgresql or snowflake. Else Warehouse:Target in the config.")]
        public string? Target { get; init; }

        [CommandOption("--connection <CONNECTION>")]
        [Description("Warehouse connection string; ${NAME} is replaced by environment variable NAME (keep secrets there). Else Warehouse:Connection.")]
        public string? Connection { get; init; }

        [CommandOption("--init")]
        [Description("Create or migrate the warehouse schema first (versioned; a no-op when current), then import.")]
        public bool Init { get; init; }

        [CommandOption("--drain")]
        [Description("Import until every assigned partition is read to its end and loaded, then exit 0.")]
        public bool Drain { get; init; }

        [CommandOption("--group <GROUP>")]
        [Description("Consumer group (default gds-dw-importer; Warehouse:GroupId).")]
        public string? Group { get; init; }

        [CommandOption("--batch-rows <ROWS>")]
        [Description("Rows per load (default 50000; Warehouse:Batch:MaxRows).")]
        public int? BatchRows { get; init; }

        [CommandOption("--batch-delay-ms <MS>")]
        [Description("Longest a sample waits for its batch to fill before it is loaded anyway (default 2000; Warehouse:Batch:MaxDelay).")]
        public int? BatchDelayMs { get; init; }

        [CommandOption("--retention-days <DAYS>")]
        [Description("Drop day partitions older than this many days (hourly), and skip samples older than that (Warehouse:Retention:Days).")]
        public int? RetentionDays { get; init; }

        public override ValidationResult Validate()
        {
            var basic = base.Validate();
            if (!basic.Successful) return basic;
            if (BatchRows is < 1) return ValidationResult.Error($"--batch-rows must be at least 1 (got {BatchRows})");
            if (BatchDelayMs is < 1) return ValidationResult.Error($"--batch-delay-ms must be at least 1 (got {BatchDelayMs})");
            if (RetentionDays is < 1) return ValidationResult.Error($"--retention-days must be at least 1 (got {RetentionDays})");
            return ValidationResult.Success();
        }

        public override IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides()
        {
            foreach (var o in base.ConfigurationOverrides()) yield return o;
            const string s = ImporterOptions.SectionName;
            yield return new($"{s}:Target", Target);
            yield return new($"{s}:Connection", Connection);
            yield return new($"{s}:GroupId", Group);
            yield return new($"{s}:Batch:MaxRows", BatchRows?.ToString(CultureInfo.InvariantCulture));
            yield return new($"{s}:Batch:MaxDelay", BatchDelayMs is { } ms ? TimeSpan.FromMilliseconds(ms).ToString("c", CultureInfo.InvariantCulture) : null);
            yield return new($"{s}:Retention:Days", RetentionDays?.ToString(CultureInfo.InvariantCulture));
        }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var builder = GdsHost.CreateBuilder(settings);
        builder.Services.AddGdsOptions<ImporterOptions, ImporterOptionsValidator>(ImporterOptions.SectionName);
        builder.Services.AddGdsOptions<WarehouseConnectionOptions, WarehouseConnectionOptionsValidator>(ImporterOptions.SectionName);
        if (settings.PrintConfig)
            return Task.FromResult(ConfigurationDump.Print(builder, (KafkaOptions.Section, typeof(KafkaOptions)),
                (ImporterOptions.SectionName, typeof(ImporterOptions)), ("Warehouse (connection)", typeof(WarehouseConnectionOptions))));
        builder.Services.AddSingleton(new DwImportService.Job(settings.Init, settings.Drain));
        builder.Services.AddHostedService<DwImportService>();
        return GdsHost.RunAsync(builder, cancellationToken);
    }
}
